// Switchable faults of the emulated portal, for testing ptrd's retry logic. A
// seeded RNG makes a run reproducible. Thread-safe.
//
//   error_rate        share of /v1 requests answered 503; half of those fail
//                     *after* the request took effect (a lost answer), which is
//                     what makes the bulk endpoint's Idempotency-Key matter
//   rate_limit_every  in every window of this many /v1 requests ...
//   rate_limit_burst  ... the first this many get 429 with Retry-After: retry_after_s
//   latency_ms        added to every /v1 answer
//   job_delay_ms      how long each bulk job sits in "queued" before running
#pragma once

#include <cstdint>
#include <mutex>
#include <random>

#include <nlohmann/json.hpp>

namespace ptrd::noc_emulator {

struct FaultSettings {
  double errorRate = 0;
  uint64_t rateLimitEvery = 0;
  uint64_t rateLimitBurst = 0;
  int retryAfterSeconds = 1;
  int latencyMs = 0;
  int jobDelayMs = 0;
  uint64_t seed = 1;
};

enum class FaultAction { kNone, kRateLimit, kFailBefore, kFailAfter };

class Faults {
 public:
  explicit Faults(FaultSettings s) : settings_(s), rng_(s.seed) {}

  // Decides the fate of one /v1 request (counts it for the rate-limit window).
  FaultAction next();
  FaultSettings settings() const;
  // Applies the keys present in j; a new "seed" restarts the RNG and the window.
  void update(const nlohmann::json& j);
  nlohmann::json toJson() const;

 private:
  mutable std::mutex mu_;
  FaultSettings settings_;
  std::mt19937_64 rng_;
  uint64_t counter_ = 0;
};

}  // namespace ptrd::noc_emulator
