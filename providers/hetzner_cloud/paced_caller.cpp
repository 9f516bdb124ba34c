#include "providers/hetzner_cloud/paced_caller.h"

#include <fmt/format.h>

#include <algorithm>

namespace ptrd::providers::hetzner_cloud {

using std::chrono::milliseconds;

Status PacedCaller::waitWithin(milliseconds d, http::RetryEnv::TimePoint deadline,
                               const std::string& what, const char* why) {
  if (env_.now() + d > deadline) {
    return Error::rateLimited(fmt::format(
        "{}: {} asks to wait {} ms, past this request's deadline ({} s) or the pass's; the "
        "rest waits for the next pass",
        what, why, d.count(), policy_.deadline.count() / 1000));
  }
  env_.sleep(d);
  if (env_.isStopped()) return Error::transient(fmt::format("{}: {}", what, kStoppedReason));
  return okStatus();
}

Result<http::Response> PacedCaller::call(const http::Request& request, bool retryFailures) {
  const std::string what = http::describeRequest(request);
  const auto deadline = env_.bound(env_.now() + policy_.deadline);
  http::Backoff backoff(policy_.base, policy_.cap, env_.random);
  int failures = 0;
  int limited = 0;
  for (;;) {
    if (env_.isStopped()) return Error::transient(fmt::format("{}: {}", what, kStoppedReason));
    // The budget first: the request is not sent until one is available.
    if (auto d = budget_->delay(); d.count() > 0) {
      if (auto w = waitWithin(d, deadline, what, "the project's request budget (RateLimit-*)"); !w)
        return w.error();
      continue;
    }
    auto left = std::chrono::duration_cast<milliseconds>(deadline - env_.now());
    if (left <= milliseconds(0))
      return Error::transient(
          fmt::format("{}: not sent: the request's or the pass's deadline has passed", what));
    http::Request attempt = request;
    attempt.timeout = left;
    budget_->sent();
    auto r = client_->send(attempt);
    if (r) budget_->observe(*r);
    if (r && r->code == 429) {
      if (++limited >= policy_.maxRateLimited) return r;
      // The later of what the server says and what the (now empty) budget says.
      milliseconds wait = std::max(budget_->delay(), milliseconds(1000));
      if (r->retryAfter) wait = std::max<milliseconds>(wait, *r->retryAfter);
      if (auto w = waitWithin(wait, deadline, what, "the API (HTTP 429 rate_limit_exceeded)"); !w)
        return w.error();
      continue;
    }
    const bool failed = r ? (r->code >= 500 && r->code <= 599) : r.error().isTransient();
    if (!failed || !retryFailures) return r;
    if (++failures >= policy_.maxAttempts) return r;
    milliseconds wait = backoff.next();
    if (env_.now() + wait > deadline) return r;
    env_.sleep(wait);
  }
}

}  // namespace ptrd::providers::hetzner_cloud
