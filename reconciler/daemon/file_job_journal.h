// FileJobJournal: the JobJournal (providers/job_journal.h) as a small state file,
// so bulk jobs in flight survive a crash or kill -9 of the daemon.
//
//   {"version": 1, "jobs": [{"idempotency_key": "ptrd-...", "job_id": "j-42",
//                            "submitted_at": 1714564800,
//                            "body": "{\"entries\": [...]}"}]}
//
// submitted_at (unix seconds, wall clock) lets a restarted daemon refuse to
// replay a job older than the portal's idempotency window; an entry without it
// (an older journal) reads as the epoch, i.e. too old.
//
// Every call rewrites the file atomically BEFORE returning: write a new temporary
// file next to it (mkstemp: never an existing file or symlink), fsync it, rename
// it over the old one, fsync the directory. A
// crash at any point leaves either the old or the new file, never half of one.
// recordSubmitting runs before the POST, so a job that exists at the portal is
// always on disk; after a restart the daemon hands pending() to
// Provider::resume() and polls those jobs instead of submitting again.
//
// The body holds IPs and hostnames only (no token: that travels in a header).
//
//   auto journal = FileJobJournal::open("/var/lib/ptrd/state.json");
//   if (!journal) die(journal.error().message);
//   config.provider.jobJournal = *journal;
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "providers/job_journal.h"
#include "core/atomic_file.h"
#include "core/result.h"

namespace ptrd {

class FileJobJournal final : public providers::JobJournal {
 public:
  // Called with a message when writing the file fails (the daemon logs it); the
  // submission goes ahead anyway: the portal's idempotency still holds within a
  // process, and refusing to work because a disk is full helps nobody.
  using ErrorSink = std::function<void(const std::string&)>;
  // Stamps recordSubmitting; tests inject the daemon's fake clock.
  using WallClock = std::function<std::chrono::system_clock::time_point()>;

  // Reads the file if it exists (an absent file is an empty journal). A file that
  // does not parse is an Error: guessing could submit jobs twice.
  static Result<std::shared_ptr<FileJobJournal>> open(const std::string& path,
                                                      ErrorSink onError = {}, WallClock now = {});

  void recordSubmitting(const std::string& idempotencyKey, const std::string& body) override;
  void recordJob(const std::string& idempotencyKey, const std::string& jobId) override;
  void done(const std::string& idempotencyKey) override;
  std::vector<providers::JournaledJob> pending() const override;

  const std::string& path() const { return path_; }

 private:
  FileJobJournal(std::string path, ErrorSink onError, WallClock now)
      : path_(std::move(path)), onError_(std::move(onError)), now_(std::move(now)) {}
  void saveLocked();

  std::string path_;
  ErrorSink onError_;
  WallClock now_;
  mutable std::mutex mu_;
  std::vector<providers::JournaledJob> jobs_;  // in submission order
};

}  // namespace ptrd
