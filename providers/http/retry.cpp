#include "providers/http/retry.h"

#include <algorithm>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

namespace ptrd::providers::http {

RetryEnv RetryEnv::real() {
  auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
  auto mu = std::make_shared<std::mutex>();
  return RetryEnv{
      [] { return std::chrono::steady_clock::now(); },
      [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); },
      [engine, mu] {
        std::lock_guard lock(*mu);
        return std::uniform_real_distribution<double>(0.0, 1.0)(*engine);
      },
  };
}

Backoff::Backoff(std::chrono::milliseconds base, std::chrono::milliseconds cap,
                 std::function<double()> random)
    : base_(base), cap_(cap), random_(std::move(random)) {}

std::chrono::milliseconds Backoff::next() {
  // Shift at most 20 times: base * 2^20 exceeds any sensible cap and avoids overflow.
  int shift = std::min(attempt_++, 20);
  auto d = std::min<std::chrono::milliseconds::rep>(cap_.count(), base_.count() << shift);
  double r = random_ ? random_() : 0.5;
  return std::chrono::milliseconds(d / 2 + static_cast<std::chrono::milliseconds::rep>(r * double(d - d / 2)));
}

bool isRetryableCode(int code) { return code == 429 || (code >= 500 && code <= 599); }

Result<Response> sendWithRetry(Client& client, const Request& request, const RetryPolicy& policy,
                               RetryEnv& env) {
  Backoff backoff(policy.base, policy.cap, env.random);
  int failures = 0;
  int limited = 0;
  for (;;) {
    auto r = client.send(request);
    if (r && !isRetryableCode(r->code)) return r;
    if (r && r->code == 429) {
      if (++limited >= policy.maxRateLimited) return r;
      // The server said when; without a usable header fall back to our backoff.
      std::chrono::milliseconds wait =
          r->retryAfter ? std::chrono::milliseconds(std::min(*r->retryAfter, policy.maxRetryAfter))
                        : backoff.next();
      env.sleep(wait);
      continue;
    }
    if (++failures >= policy.maxAttempts) return r;
    env.sleep(backoff.next());
  }
}

}  // namespace ptrd::providers::http
