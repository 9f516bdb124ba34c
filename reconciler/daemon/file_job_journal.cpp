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

Error ioError(const std::string& what, const std::string& path) {
  return Error::transient(fmt::format("{} {}: {}", what, path, std::strerror(errno)));
}

Status writeAll(int fd, const std::string& content, const std::string& path) {
  size_t off = 0;
  while (off < content.size()) {
    ssize_t n = ::write(fd, content.data() + off, content.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ioError("writing", path);
    off += size_t(n);
  }
  return okStatus();
}

// No submitted_at (a journal from before it was kept) or a value no clock
// shows (negative, past year 9999, where the conversion would overflow): the
// epoch, which the daemon treats as too old to replay.
std::chrono::system_clock::time_point submittedAt(int64_t unixSeconds) {
  constexpr int64_t kYear9999 = 253402300799;
  if (unixSeconds <= 0 || unixSeconds > kYear9999) return {};
  return std::chrono::system_clock::time_point(std::chrono::seconds(unixSeconds));
}

}  // namespace

Status writeFileAtomically(const std::string& path, const std::string& content) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  // mkstemp: a new file (O_CREAT|O_EXCL, mode 0600) under an unpredictable name,
  // so a symlink planted at a guessable temporary path is never followed.
  std::string tmp = path + ".tmp.XXXXXX";
  int fd = ::mkostemp(tmp.data(), O_CLOEXEC);
  if (fd < 0) return ioError("creating a temporary file next to", path);
  Status wrote = writeAll(fd, content, tmp);
  if (wrote && ::fsync(fd) != 0) wrote = ioError("syncing", tmp);
  ::close(fd);
  if (wrote && ::rename(tmp.c_str(), path.c_str()) != 0) wrote = ioError("renaming onto", path);
  if (!wrote) {
    ::unlink(tmp.c_str());
    return wrote;
  }
  // The rename is durable only once the directory entry is on disk.
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return ioError("opening directory", dir.string());
  const bool synced = ::fsync(dfd) == 0;
  ::close(dfd);
  if (!synced) return ioError("syncing directory", dir.string());
  return okStatus();
}

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
