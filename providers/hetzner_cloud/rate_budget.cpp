#include "providers/hetzner_cloud/rate_budget.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"

namespace ptrd::providers::hetzner_cloud {
namespace {

constexpr double kHourMs = 3600.0 * 1000.0;

std::optional<int64_t> number(const http::Response& r, std::string_view name) {
  auto v = r.header(name);
  if (!v || v->empty() || v->size() > 18 || v->find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stoll(*v);
}

}  // namespace

RateBudget::RateBudget(std::string stateFile, WallClock wall)
    : stateFile_(std::move(stateFile)), wall_(std::move(wall)) {
  if (!wall_) wall_ = [] { return std::chrono::system_clock::now(); };
  if (stateFile_.empty()) return;
  auto text = readStateFile(stateFile_, 64 * 1024);
  if (!text) {
    fmt::print(stderr, "ptrd: warning: Hetzner Cloud state file ignored: {}\n",
               text.error().message);
  } else if (!*text) {
    return;  // first run
  } else if (auto s = decode(**text)) {
    s_ = *s;
  } else {
    fmt::print(stderr, "ptrd: warning: Hetzner Cloud state file {} is not a rate budget; ignored\n",
               stateFile_);
  }
}

int64_t RateBudget::nowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(wall_().time_since_epoch()).count();
}

double RateBudget::rateAt() const {
  // Reset says when the bucket is full again: what is missing refills by then.
  const double missing = s_.limit - s_.remaining;
  // Reset is in whole seconds, maybe rounded down: one second more keeps the
  // estimated refill on the slow side, never the fast one.
  const double untilReset = double(s_.resetAt) * 1000.0 + 1000.0 - double(s_.observedMs);
  if (missing > 0 && untilReset > 1000.0) return missing / untilReset;
  return s_.limit / kHourMs;
}

double RateBudget::availableLocked(int64_t now) const {
  if (s_.observedMs == 0) return s_.remaining;
  // A clock stepped backwards refills nothing rather than everything.
  const double elapsed = double(std::max<int64_t>(0, now - s_.observedMs));
  return std::min(s_.limit, s_.remaining + elapsed * rateAt());
}

double RateBudget::available() {
  std::lock_guard lock(mu_);
  return availableLocked(nowMs());
}

BudgetState RateBudget::state() {
  std::lock_guard lock(mu_);
  return s_;
}

std::chrono::milliseconds RateBudget::delay() {
  std::lock_guard lock(mu_);
  const double have = availableLocked(nowMs());
  if (have >= 1.0) return std::chrono::milliseconds(0);
  // A hostile Reset far in the future must not mean "wait forever" (nor
  // overflow): the documented bucket is full again within the hour.
  const double ms = std::min(kHourMs, std::ceil((1.0 - have) / rateAt()));
  return std::chrono::milliseconds(int64_t(ms) + 1);
}

void RateBudget::sent() {
  std::lock_guard lock(mu_);
  const int64_t now = nowMs();
  const double have = availableLocked(now);
  s_.remaining = std::max(0.0, have - 1.0);
  s_.observedMs = now;
  save();
}

void RateBudget::observe(const http::Response& r) {
  auto limit = number(r, "ratelimit-limit");
  auto remaining = number(r, "ratelimit-remaining");
  auto reset = number(r, "ratelimit-reset");
  std::lock_guard lock(mu_);
  const int64_t now = nowMs();
  if (limit && *limit > 0) s_.limit = double(*limit);
  if (remaining) s_.remaining = std::min(s_.limit, double(*remaining));
  if (r.code == 429) s_.remaining = 0;
  if (reset) s_.resetAt = *reset;
  if (limit || remaining || reset || r.code == 429) {
    s_.observedMs = now;
    save();
  }
}

std::string RateBudget::encode(const BudgetState& s) {
  return nlohmann::json{{"kind", "hetzner-cloud-rate-budget"},
                        {"limit", s.limit},
                        {"remaining", s.remaining},
                        {"reset", s.resetAt},
                        {"observed_ms", s.observedMs}}
             .dump() +
         "\n";
}

std::optional<BudgetState> RateBudget::decode(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object() || j.value("kind", "") != "hetzner-cloud-rate-budget") return std::nullopt;
  for (const char* k : {"limit", "remaining", "reset", "observed_ms"})
    if (!j.contains(k) || !j[k].is_number()) return std::nullopt;
  BudgetState s;
  s.limit = j["limit"].get<double>();
  s.remaining = j["remaining"].get<double>();
  s.resetAt = j["reset"].get<int64_t>();
  s.observedMs = j["observed_ms"].get<int64_t>();
  if (!(s.limit > 0) || !(s.remaining >= 0) || s.remaining > s.limit) return std::nullopt;
  return s;
}

void RateBudget::save() {
  if (stateFile_.empty()) return;
  auto st = writeFileAtomically(stateFile_, encode(s_));
  if (!st && !warnedWrite_) {
    warnedWrite_ = true;
    fmt::print(stderr, "ptrd: warning: Hetzner Cloud rate budget not saved: {}\n",
               st.error().message);
  }
}

}  // namespace ptrd::providers::hetzner_cloud
