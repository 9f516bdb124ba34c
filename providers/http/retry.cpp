#include "providers/http/retry.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

#include "core/backoff.h"

namespace ptrd::providers::http {
namespace {

std::function<double()> randomSource() {
  auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
  auto mu = std::make_shared<std::mutex>();
  return [engine, mu] {
    std::lock_guard lock(*mu);
    return std::uniform_real_distribution<double>(0.0, 1.0)(*engine);
  };
}

double secondsOf(std::chrono::milliseconds d) {
  return double(d.count()) / 1000.0;
}

}  // namespace

RetryEnv RetryEnv::real() {
  return RetryEnv{
      [] { return std::chrono::steady_clock::now(); },
      [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); },
      randomSource(),
      nullptr,
      nullptr,
  };
}

RetryEnv RetryEnv::from(std::shared_ptr<ProviderWait> wait) {
  if (!wait) return real();
  return RetryEnv{
      [wait] { return wait->now(); },
      [wait](std::chrono::milliseconds d) { wait->waitFor(d); },
      randomSource(),
      [wait] { return wait->stopRequested(); },
      [wait] { return wait->passDeadline(); },
  };
}

Backoff::Backoff(std::chrono::milliseconds base, std::chrono::milliseconds cap,
                 std::function<double()> random)
    : base_(base), cap_(cap), random_(std::move(random)) {}

std::chrono::milliseconds Backoff::next() {
  const auto d = exponentialCeiling(base_, cap_, attempt_++).count();
  double r = random_ ? random_() : 0.5;
  return std::chrono::milliseconds(
      d / 2 + static_cast<std::chrono::milliseconds::rep>(r * double(d - d / 2)));
}

bool isRetryableCode(int code) {
  return code == 429 || (code >= 500 && code <= 599);
}

Result<Response> sendWithRetry(Client& client, const Request& request, const RetryPolicy& policy,
                               RetryEnv& env) {
  using std::chrono::milliseconds;
  Backoff backoff(policy.base, policy.cap, env.random);
  const auto start = env.now();
  const auto deadline = env.bound(start + policy.deadline);
  const std::string what = describeRequest(request);
  int failures = 0;
  int limited = 0;
  for (;;) {
    if (env.isStopped()) return Error::transient(fmt::format("{}: {}", what, kStoppedReason));
    auto left = std::chrono::duration_cast<milliseconds>(deadline - env.now());
    if (left <= milliseconds(0)) {
      return Error::transient(
          fmt::format("{}: not sent: the pass's deadline or this request's ({} s) has passed", what,
                      secondsOf(policy.deadline)));
    }
    // No attempt may outlive the deadline either.
    Request attempt = request;
    attempt.timeout = left;
    auto r = client.send(attempt);
    if (r && !isRetryableCode(r->code)) return r;
    // A body over the size bound is final; so is a client-side rate budget that
    // refused to send (providers/http/paced_calls.h): asking again at once
    // would be refused the same way.
    if (!r && r.error().kind != Error::Kind::kTransient) return r;
    milliseconds wait{0};
    if (r && r->code == 429) {
      if (++limited >= policy.maxRateLimited) return r;
      // The server said when; without a usable header fall back to our backoff.
      if (r->retryAfter) {
        wait = *r->retryAfter;
        // Waiting until the deadline itself would leave no time to ask again.
        if (env.now() + wait >= deadline) {
          return Error::rateLimited(fmt::format(
              "{}: rate limited (HTTP 429): the server asks to retry after {} s, later than this "
              "request's deadline ({} s, {} s left); giving up for this pass",
              what, r->retryAfter->count(), secondsOf(policy.deadline),
              secondsOf(std::max(milliseconds(0),
                                 std::chrono::duration_cast<milliseconds>(deadline - env.now())))));
        }
      } else {
        wait = backoff.next();
      }
    } else {
      if (++failures >= policy.maxAttempts) return r;
      wait = backoff.next();
    }
    // A backoff that would pass the deadline: the last answer is the outcome.
    if (env.now() + wait > deadline) return r;
    env.sleep(wait);
  }
}

Error httpError(int code, std::string message) {
  if (code == 429) return Error::rateLimited(std::move(message));
  if (isRetryableCode(code)) return Error::transient(std::move(message));
  return Error::permanent(std::move(message));
}

}  // namespace ptrd::providers::http
