#include "tests/linode_emulator/forward_check.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "core/ip_address.h"

namespace ptrd::linode_emulator {
namespace {

// dig's output and exit status, run without a shell (the name is never parsed
// by one).
int runDig(const std::vector<std::string>& args, std::string& out) {
  // Built before fork: the child of a threaded process may only make
  // async-signal-safe calls (no allocation) before exec.
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return -1;  // no other thread's child keeps it open
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return -1;
  }
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  close(fds[1]);
  std::array<char, 4096> buf;
  ssize_t n;
  while ((n = read(fds[0], buf.data(), buf.size())) > 0) out.append(buf.data(), size_t(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

ForwardVerdict checkForward(const std::string& dnsServer, int dnsPort, const std::string& name,
                            const std::string& address, bool v6) {
  std::string out;
  int rc = runDig({"dig", "@" + dnsServer, "-p", std::to_string(dnsPort), name, v6 ? "AAAA" : "A",
                   "+noall", "+comments", "+answer", "+time=2", "+tries=1"},
                  out);
  if (rc != 0) return ForwardVerdict::kLookupFailed;
  // ";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: ..."
  if (out.find("status: NOERROR") == std::string::npos &&
      out.find("status: NXDOMAIN") == std::string::npos)
    return ForwardVerdict::kLookupFailed;
  auto want = IpAddress::parse(address);
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == ';') continue;
    std::istringstream f(line);
    std::string owner, ttl, cls, type, rdata;
    if (!(f >> owner >> ttl >> cls >> type >> rdata)) continue;
    if (type != (v6 ? "AAAA" : "A")) continue;
    auto got = IpAddress::parse(rdata);
    if (got && want && *got == *want) return ForwardVerdict::kMatches;
  }
  return ForwardVerdict::kNoMatch;
}

}  // namespace ptrd::linode_emulator
