// Retrying HTTP calls: jittered exponential backoff for 5xx and transport
// failures, Retry-After for 429. Time and randomness come from a RetryEnv so unit
// tests step a fake clock instead of sleeping.
//
// One request, all its retries included, ends by its deadline (RetryPolicy::
// deadline, and never after the pass's deadline): a Retry-After or a backoff that
// would pass it ends the retries at once with an error saying so, rather than
// holding a pass for an hour of "Retry-After: 120". A stop (SIGTERM) cuts every
// wait short.
//
//   RetryEnv env = RetryEnv::from(wait);
//   auto r = sendWithRetry(client, request, RetryPolicy{}, env);
//   // r: the first non-retryable response, the last 5xx/429 once attempts run
//   // out, or an Error (transport, deadline, stop).
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "providers/http/http_client.h"
#include "providers/provider_wait.h"

namespace ptrd::providers::http {

struct RetryEnv {
  using TimePoint = std::chrono::steady_clock::time_point;
  std::function<TimePoint()> now;
  std::function<void(std::chrono::milliseconds)> sleep;  // returns early on a stop
  std::function<double()> random;                        // uniform in [0, 1)
  std::function<bool()> stopped;                         // null: no stop ever comes
  std::function<TimePoint()> passDeadline;               // null: no pass bound

  // Steady clock, this_thread::sleep_for, a randomly seeded engine.
  static RetryEnv real();
  // Time, sleeps, stop and pass deadline from `wait`; a randomly seeded engine.
  static RetryEnv from(std::shared_ptr<ProviderWait> wait);

  bool isStopped() const { return stopped && stopped(); }
  // The earlier of `end` and the pass's deadline.
  TimePoint bound(TimePoint end) const {
    return passDeadline ? std::min(end, passDeadline()) : end;
  }
};

struct RetryPolicy {
  int maxAttempts = 6;      // for 5xx and transport failures
  int maxRateLimited = 30;  // 429s tolerated for one request
  std::chrono::milliseconds base{200};
  std::chrono::milliseconds cap{10000};
  // Total time for one request across all its attempts and waits.
  std::chrono::milliseconds deadline{std::chrono::minutes(2)};
};

// Exponential backoff with "equal jitter" (core's exponentialCeiling): attempt n
// waits uniformly in [d/2, d] with d = min(cap, base * 2^n), so clients that
// failed together do not retry together, and the wait never collapses to zero.
// Randomness is a real in [0, 1) here, so tests can pin either end exactly.
class Backoff {
 public:
  Backoff(std::chrono::milliseconds base, std::chrono::milliseconds cap,
          std::function<double()> random);
  std::chrono::milliseconds next();
  void reset() { attempt_ = 0; }

 private:
  std::chrono::milliseconds base_, cap_;
  std::function<double()> random_;
  unsigned attempt_ = 0;
};

bool isRetryableCode(int code);  // 429, 500..599
// The error for an HTTP answer that is no success and no refusal of the
// credentials: 429 rate-limited, other retryable codes transient, the rest permanent.
Error httpError(int code, std::string message);

Result<Response> sendWithRetry(Client& client, const Request& request, const RetryPolicy& policy,
                               RetryEnv& env);

}  // namespace ptrd::providers::http
