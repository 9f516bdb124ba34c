// Retrying HTTP calls: jittered exponential backoff for 5xx and transport
// failures, Retry-After for 429. Time and randomness come from a RetryEnv so unit
// tests step a fake clock instead of sleeping.
//
//   RetryEnv env = RetryEnv::real();
//   auto r = sendWithRetry(client, request, RetryPolicy{}, env);
//   // r: the first non-retryable response, the last 5xx/429 once attempts run
//   // out, or the last transport Error.
#pragma once

#include <chrono>
#include <functional>

#include "providers/http/http_client.h"

namespace ptrd::providers::http {

struct RetryEnv {
  std::function<std::chrono::steady_clock::time_point()> now;
  std::function<void(std::chrono::milliseconds)> sleep;
  std::function<double()> random;  // uniform in [0, 1)

  // Steady clock, this_thread::sleep_for, a randomly seeded engine.
  static RetryEnv real();
};

struct RetryPolicy {
  int maxAttempts = 6;        // for 5xx and transport failures
  int maxRateLimited = 30;    // 429s tolerated for one request
  std::chrono::milliseconds base{200};
  std::chrono::milliseconds cap{10000};
  std::chrono::seconds maxRetryAfter{120};  // a larger Retry-After is clamped
};

// Exponential backoff with "equal jitter": attempt n waits uniformly in
// [d/2, d] with d = min(cap, base * 2^n), so clients that failed together do
// not retry together, and the wait never collapses to zero.
class Backoff {
 public:
  Backoff(std::chrono::milliseconds base, std::chrono::milliseconds cap, std::function<double()> random);
  std::chrono::milliseconds next();
  void reset() { attempt_ = 0; }

 private:
  std::chrono::milliseconds base_, cap_;
  std::function<double()> random_;
  int attempt_ = 0;
};

bool isRetryableCode(int code);  // 429, 500..599

Result<Response> sendWithRetry(Client& client, const Request& request, const RetryPolicy& policy,
                               RetryEnv& env);

}  // namespace ptrd::providers::http
