// SentRequestsLog: when a provider's paced requests went out, by the wall clock,
// so that the platform's rate is kept across the daemon's passes (it makes a new
// provider each pass) and, with a state file, across processes: a restart, a
// crash loop or `ptrd apply` run by a CI job every minute counts what the one
// before it sent, where a fresh in-memory limiter would start empty.
//
// One log holds every limiter of a provider, each under its own key:
//   {"kind": "ptrd-sent-requests", "sent": {"rdns": [1764450000123, ...], "list": [...]}}
//
//   auto log = SentRequestsLog::shared("hetzner-robot " + url, stateFile);
//   RateLimiter limiter(windows, maxWait, {log, "rdns"});
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace ptrd::providers::http {

class SentRequestsLog {
 public:
  using WallClock = std::function<std::chrono::system_clock::time_point()>;

  // The process's one log for `scope` (a provider and its account) and `path`
  // ("" keeps it in memory), created on first use.
  static std::shared_ptr<SentRequestsLog> shared(const std::string& scope, const std::string& path);

  // Reads `path` once. A file that is missing starts empty; one that cannot be
  // read or is not a log is ignored with a warning (the platform's own 429s
  // then slow ptrd down); one that cannot be written is warned about once.
  explicit SentRequestsLog(std::string path, WallClock wall = nullptr);

  // Send times under `key`, Unix ms, oldest first; none is later than now (a
  // time from a clock that was ahead counts as now: the careful side).
  std::vector<int64_t> sent(const std::string& key);
  // Replaces key's times and saves the log.
  void record(const std::string& key, std::vector<int64_t> times);
  int64_t nowMs() const;

  // The file's content for these times, and its parser (false: not a log).
  static std::string encode(const std::map<std::string, std::vector<int64_t>>& sent);
  static bool decode(const std::string& text, std::map<std::string, std::vector<int64_t>>& sent);

  static constexpr size_t kMaxFileBytes = 1 << 20;
  static constexpr size_t kMaxTimesPerKey = 20000;

 private:
  std::mutex mu_;
  std::string path_;
  WallClock wall_;
  std::map<std::string, std::vector<int64_t>> sent_;
  bool warnedWrite_ = false;
};

}  // namespace ptrd::providers::http
