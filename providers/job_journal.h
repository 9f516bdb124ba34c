// JobJournal: the seam through which an asynchronous provider (noc) reports its
// in-flight bulk submissions, so the daemon can write them to a state file and,
// after a restart, find out what became of a job instead of submitting it again.
//
// Calls for one submission come in this order, from the thread running apply():
//   recordSubmitting(key, body)  before the first POST (the key is reused on retries)
//   recordJob(key, jobId)        once the portal accepted it
//   done(key)                    when the job's results are in (or apply() gave up)
// The default implementation records nothing.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace ptrd::providers {

// One submission a journal holds: recorded, not yet done. An empty jobId means
// the process stopped between recordSubmitting and recordJob (the POST may or
// may not have reached the portal). submittedAt is the wall-clock time of
// recordSubmitting; the epoch (a journal written before it was kept) means
// "unknown", which the daemon treats as too old to replay.
struct JournaledJob {
  std::string idempotencyKey;
  std::string body;
  std::string jobId;
  std::chrono::system_clock::time_point submittedAt{};
};

class JobJournal {
 public:
  virtual ~JobJournal() = default;
  // `body` is the exact JSON the provider submits (no secrets in it).
  virtual void recordSubmitting(const std::string& idempotencyKey, const std::string& body) {
    (void)idempotencyKey, (void)body;
  }
  virtual void recordJob(const std::string& idempotencyKey, const std::string& jobId) {
    (void)idempotencyKey, (void)jobId;
  }
  virtual void done(const std::string& idempotencyKey) { (void)idempotencyKey; }
  // Submissions recorded and not done, oldest first: what a restarted daemon
  // hands to Provider::resume() after planning, only when the plan still wants
  // exactly those changes and the job is within the provider's resumeWindow().
  virtual std::vector<JournaledJob> pending() const { return {}; }
};

}  // namespace ptrd::providers
