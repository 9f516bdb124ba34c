// RateBudget: Hetzner Cloud's request budget (3,600 an hour per project by
// default, refilled gradually) as the API last reported it, so ptrd paces its
// requests to it instead of running into 429s -- across passes and, with a state
// file, across restarts (a new process would otherwise start as if the bucket
// were full).
//
// Every answer's RateLimit-Limit / -Remaining / -Reset headers (Reset: the Unix
// time at which the bucket is full again) replace the estimate; between answers
// it refills at the rate the headers imply ((Limit - Remaining) requests by
// Reset), or Limit per hour when they imply none. A request goes out only when
// at least one whole request is available.
//
//   RateBudget b(path, wallClock);
//   auto d = b.delay();  wait d (cancellably), then send
//   b.sent();  b.observe(response);  // persisted on every change
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "core/result.h"
#include "providers/http/http_client.h"

namespace ptrd::providers::hetzner_cloud {

struct BudgetState {
  double limit = 3600;      // requests in a full bucket
  double remaining = 3600;  // as of observedMs
  int64_t resetAt = 0;      // Unix seconds when full again (0: unknown)
  int64_t observedMs = 0;   // Unix milliseconds of the last update (0: never)
};

class RateBudget {
 public:
  using WallClock = std::function<std::chrono::system_clock::time_point()>;
  // stateFile "" keeps the budget in memory only. A state file that cannot be
  // read or parsed is ignored with a warning (the first answer's headers put the
  // estimate right again); one that cannot be written is reported once.
  RateBudget(std::string stateFile, WallClock wall);

  // How long until one request is available (zero: now).
  std::chrono::milliseconds delay();
  // One request went out (its answer may never come).
  void sent();
  // Reads the RateLimit-* headers of an answer; a 429 empties the bucket even
  // without them.
  void observe(const http::Response& r);

  BudgetState state();
  // Requests available now, by the estimate.
  double available();

  // Serialised state file content, and its parser (nullopt: not a budget file).
  static std::string encode(const BudgetState& s);
  static std::optional<BudgetState> decode(const std::string& text);

 private:
  int64_t nowMs() const;
  double rateAt() const;  // requests per millisecond
  double availableLocked(int64_t now) const;
  void save();

  std::mutex mu_;
  std::string stateFile_;
  WallClock wall_;
  BudgetState s_;
  bool warnedWrite_ = false;
};

}  // namespace ptrd::providers::hetzner_cloud
