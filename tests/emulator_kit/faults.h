// Switchable faults of the emulated portal, for testing ptrd's retry logic and
// its behaviour when the portal misbehaves. A seeded RNG makes a run
// reproducible. Thread-safe.
//
//   error_rate        share of /v1 requests answered 503; half of those fail
//                     *after* the request took effect (a lost answer), which is
//                     what makes the bulk endpoint's Idempotency-Key matter
//   rate_limit_every  in every window of this many /v1 requests ...
//   rate_limit_burst  ... the first this many get 429 with Retry-After: retry_after_s
//   latency_ms        added to every /v1 answer
//   job_delay_ms      how long each bulk job sits in "queued" before running
//   hang_rate         share of /v1 requests held for hang_ms before they are
//                     handled (the connection is accepted, the answer comes after
//                     any sane client timeout); switching faults off or stopping
//                     the emulator releases them
//   garbage_rate      share of /v1 answers whose body is replaced by non-JSON
//                     text with the status kept (the request took effect)
//   truncate_rate     share of /v1 answers cut off mid-body: Content-Length
//                     promises the whole document, the connection closes halfway
//   job_fail_share    share of each bulk job's valid entries that end "failed"
//                     (spread evenly: 0.5 fails every second one) and are not applied
//   job_stuck         bulk jobs that start while it is on stay "running" until it
//                     is switched off
//   huge_body_mb      when > 0, every /v1 answer body is replaced by this many MiB
//                     of JSON white space, streamed (the status is kept): a portal
//                     or proxy that answers with a body no client should read whole
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <random>

#include <nlohmann/json.hpp>

namespace ptrd::emulator_kit {

struct FaultSettings {
  double errorRate = 0;
  uint64_t rateLimitEvery = 0;
  uint64_t rateLimitBurst = 0;
  int retryAfterSeconds = 1;
  int latencyMs = 0;
  int jobDelayMs = 0;
  double hangRate = 0;
  int hangMs = 30000;
  double garbageRate = 0;
  double truncateRate = 0;
  double jobFailShare = 0;
  bool jobStuck = false;
  int hugeBodyMb = 0;
  uint64_t seed = 1;
};

// What happens to one /v1 request. kHang is decided before the handler runs;
// kGarbage/kTruncate/kFailAfter change the answer after it ran.
enum class FaultAction { kNone, kRateLimit, kFailBefore, kFailAfter, kHang, kGarbage, kTruncate };

class Faults {
 public:
  explicit Faults(FaultSettings s) : settings_(s), rng_(s.seed) {}

  // Decides the fate of one /v1 request (counts it for the rate-limit window).
  FaultAction next();
  FaultSettings settings() const;
  // Applies the keys present in j; a new "seed" restarts the RNG and the window.
  void update(const nlohmann::json& j);
  nlohmann::json toJson() const;

  // Holds a hanging request: returns after hang_ms, or earlier once hang_rate is
  // set to 0 or interrupt() is called (so the emulator stops promptly).
  void hang();
  // Blocks while job_stuck is on (returns false if interrupted by stopping).
  bool waitWhileJobsStuck();
  void interrupt();

 private:
  mutable std::mutex mu_;
  std::condition_variable changed_;
  FaultSettings settings_;
  std::mt19937_64 rng_;
  uint64_t counter_ = 0;
  bool stopping_ = false;
};

}  // namespace ptrd::emulator_kit
