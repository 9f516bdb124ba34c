// PacedCaller: every request to the Hetzner Cloud API goes through here, so
// none is sent before the RateBudget has one available, and every answer's
// RateLimit-* headers feed the budget back.
//
// call() waits for the budget (cancellably, through the RetryEnv), sends, and
// on 429 waits as long as Retry-After or the budget says. With retryFailures it
// also retries 5xx and transport failures with jittered backoff (safe for
// reads); without, it hands them back so a write can check whether its lost
// answer took effect before sending again. One call, waits included, ends by
// the policy's deadline (and the pass's): a wait past it is an
// Error::rateLimited instead of a held pass.
#pragma once

#include <memory>

#include "providers/hetzner_cloud/rate_budget.h"
#include "providers/http/http_client.h"
#include "providers/http/retry.h"

namespace ptrd::providers::hetzner_cloud {

class PacedCaller {
 public:
  PacedCaller(std::unique_ptr<http::Client> client, std::shared_ptr<RateBudget> budget,
              http::RetryPolicy policy, http::RetryEnv env)
      : client_(std::move(client)),
        budget_(std::move(budget)),
        policy_(policy),
        env_(std::move(env)) {}

  Result<http::Response> call(const http::Request& request, bool retryFailures);

  http::RetryEnv& env() { return env_; }
  RateBudget& budget() { return *budget_; }

 private:
  // Waits d unless that passes `deadline`; an Error says why not, or that a stop came.
  Status waitWithin(std::chrono::milliseconds d, http::RetryEnv::TimePoint deadline,
                    const std::string& what, const char* why);

  std::unique_ptr<http::Client> client_;
  std::shared_ptr<RateBudget> budget_;
  http::RetryPolicy policy_;
  http::RetryEnv env_;
};

}  // namespace ptrd::providers::hetzner_cloud
