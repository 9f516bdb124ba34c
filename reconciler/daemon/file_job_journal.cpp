#include "reconciler/daemon/file_job_journal.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace ptrd {
namespace {

// No submitted_at (a journal from before it was kept) or a value no clock
// shows (negative, past year 9999, where the conversion would overflow): the
// epoch, which the daemon treats as too old to replay.
std::chrono::system_clock::time_point submittedAt(int64_t unixSeconds) {
  constexpr int64_t kYear9999 = 253402300799;
  if (unixSeconds <= 0 || unixSeconds > kYear9999) return {};
  return std::chrono::system_clock::time_point(std::chrono::seconds(unixSeconds));
}

}  // namespace

Result<std::shared_ptr<FileJobJournal>> FileJobJournal::open(const std::string& path,
                                                             ErrorSink onError, WallClock now) {
  if (!now) now = [] { return std::chrono::system_clock::now(); };
  std::shared_ptr<FileJobJournal> j(new FileJobJournal(path, std::move(onError), std::move(now)));
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (std::filesystem::exists(path))
      return Error::permanent(fmt::format("state file {}: cannot read it", path));
    return j;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  try {
    auto doc = nlohmann::json::parse(buf.str());
    for (const auto& e : doc.at("jobs")) {
      j->jobs_.push_back({e.at("idempotency_key").get<std::string>(),
                          e.at("body").get<std::string>(), e.value("job_id", std::string()),
                          submittedAt(e.value("submitted_at", int64_t(0)))});
    }
  } catch (const nlohmann::json::exception& e) {
    return Error::permanent(
        fmt::format("state file {}: not a ptrd job journal ({}); move it away only if no bulk job "
                    "can be in flight",
                    path, e.what()));
  }
  return j;
}

void FileJobJournal::saveLocked() {
  nlohmann::ordered_json doc;
  doc["version"] = 1;
  auto& jobs = doc["jobs"] = nlohmann::ordered_json::array();
  for (const auto& job : jobs_) {
    const auto at =
        std::chrono::duration_cast<std::chrono::seconds>(job.submittedAt.time_since_epoch());
    jobs.push_back({{"idempotency_key", job.idempotencyKey},
                    {"job_id", job.jobId},
                    {"submitted_at", int64_t(at.count())},
                    {"body", job.body}});
  }
  Status s = writeFileAtomically(path_, doc.dump(1) + "\n");
  if (!s && onError_) onError_(s.error().message);
}

void FileJobJournal::recordSubmitting(const std::string& idempotencyKey, const std::string& body) {
  std::lock_guard lock(mu_);
  for (auto& job : jobs_) {
    if (job.idempotencyKey == idempotencyKey) return;  // a retry of a recorded submission
  }
  jobs_.push_back({idempotencyKey, body, "", now_()});
  saveLocked();
}

void FileJobJournal::recordJob(const std::string& idempotencyKey, const std::string& jobId) {
  std::lock_guard lock(mu_);
  for (auto& job : jobs_) {
    if (job.idempotencyKey != idempotencyKey) continue;
    job.jobId = jobId;
    saveLocked();
    return;
  }
}

void FileJobJournal::done(const std::string& idempotencyKey) {
  std::lock_guard lock(mu_);
  const size_t before = jobs_.size();
  std::erase_if(
      jobs_, [&](const providers::JournaledJob& j) { return j.idempotencyKey == idempotencyKey; });
  if (jobs_.size() != before) saveLocked();
}

std::vector<providers::JournaledJob> FileJobJournal::pending() const {
  std::lock_guard lock(mu_);
  return jobs_;
}

}  // namespace ptrd
