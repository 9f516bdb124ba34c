// ChildProcess: a program the lab started, stopped by its PID when the object
// goes away (SIGTERM, then SIGKILL after a grace period). Output goes to files so
// a failing test can show the server's log.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace ptrd::lab {

class ChildProcess {
 public:
  // Starts argv[0] (searched in PATH) with stdout/stderr appended to the given
  // files ("" = /dev/null). Throws std::runtime_error if it cannot start.
  ChildProcess(const std::vector<std::string>& argv, const std::string& stdout_path,
               const std::string& stderr_path);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // The exit status (or 128 + signal) once the process has ended; nullopt while
  // it runs. Never blocks.
  std::optional<int> poll();
  // Waits until the process ends or the deadline passes (then nullopt).
  std::optional<int> waitFor(std::chrono::milliseconds limit);
  // SIGTERM, then SIGKILL after `grace`; reaps it. Idempotent.
  void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(3000));

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs a command to completion with a time limit (killed and exit_code -1 past
// it), capturing stdout and stderr through files in `scratch_dir`.
CommandResult runCommand(const std::vector<std::string>& argv, const std::string& scratch_dir,
                         std::chrono::milliseconds limit = std::chrono::milliseconds(30000));

// The whole file as a string ("" if unreadable).
std::string readFile(const std::string& path);

}  // namespace ptrd::lab
