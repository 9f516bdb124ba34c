#include "providers/http/sent_requests_log.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"

namespace ptrd::providers::http {

std::shared_ptr<SentRequestsLog> SentRequestsLog::shared(const std::string& scope,
                                                         const std::string& path) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<SentRequestsLog>> logs;
  std::lock_guard lock(mu);
  auto& log = logs[scope + "\n" + path];
  if (!log) log = std::make_shared<SentRequestsLog>(path);
  return log;
}

SentRequestsLog::SentRequestsLog(std::string path, WallClock wall)
    : path_(std::move(path)), wall_(std::move(wall)) {
  if (!wall_) wall_ = [] { return std::chrono::system_clock::now(); };
  if (path_.empty()) return;
  auto text = readStateFile(path_, kMaxFileBytes);
  if (!text) {
    fmt::print(stderr, "ptrd: warning: request log {} ignored: {}\n", path_, text.error().message);
  } else if (*text && !decode(**text, sent_)) {
    sent_.clear();
    fmt::print(stderr, "ptrd: warning: state file {} is not a request log; ignored\n", path_);
  }
}

int64_t SentRequestsLog::nowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(wall_().time_since_epoch()).count();
}

std::vector<int64_t> SentRequestsLog::sent(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = sent_.find(key);
  if (it == sent_.end()) return {};
  std::vector<int64_t> out = it->second;
  const int64_t now = nowMs();
  for (auto& t : out) t = std::min(t, now);
  std::sort(out.begin(), out.end());
  return out;
}

void SentRequestsLog::record(const std::string& key, std::vector<int64_t> times) {
  std::lock_guard lock(mu_);
  if (times.size() > kMaxTimesPerKey) times.erase(times.begin(), times.end() - kMaxTimesPerKey);
  sent_[key] = std::move(times);
  if (path_.empty()) return;
  auto st = writeFileAtomically(path_, encode(sent_));
  if (!st && !warnedWrite_) {
    warnedWrite_ = true;
    fmt::print(stderr,
               "ptrd: warning: request log not saved (the rate is then kept only "
               "within this process): {}\n",
               st.error().message);
  }
}

std::string SentRequestsLog::encode(const std::map<std::string, std::vector<int64_t>>& sent) {
  return nlohmann::json{{"kind", "ptrd-sent-requests"}, {"sent", sent}}.dump() + "\n";
}

bool SentRequestsLog::decode(const std::string& text,
                             std::map<std::string, std::vector<int64_t>>& sent) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object() || j.value("kind", "") != "ptrd-sent-requests" || !j.contains("sent") ||
      !j["sent"].is_object())
    return false;
  for (const auto& [key, times] : j["sent"].items()) {
    if (!times.is_array() || times.size() > kMaxTimesPerKey) return false;
    std::vector<int64_t> v;
    v.reserve(times.size());
    for (const auto& t : times) {
      if (!t.is_number_integer() || t.get<int64_t>() < 0) return false;
      v.push_back(t.get<int64_t>());
    }
    sent[key] = std::move(v);
  }
  return true;
}

}  // namespace ptrd::providers::http
