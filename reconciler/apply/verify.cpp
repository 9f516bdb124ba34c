#include "reconciler/apply/verify.h"

#include <fmt/format.h>

#include <algorithm>

namespace ptrd {
namespace {

VerifyResult judge(const PtrLookup& got, const std::string& expected) {
  switch (got.outcome) {
    case LookupOutcome::kAnswer: {
      bool shown = got.names.size() == 1 && got.names[0] == expected && !expected.empty();
      std::string names;
      for (const auto& n : got.names) names += (names.empty() ? "" : ", ") + n;
      return {shown, fmt::format("DNS shows {}", names)};
    }
    case LookupOutcome::kNxdomain:
    case LookupOutcome::kNodata:
      return {expected.empty(), "DNS shows no PTR"};
    default:
      return {false, fmt::format("PTR lookup failed: {}{}", outcomeName(got.outcome),
                                 got.detail.empty() ? "" : " (" + got.detail + ")")};
  }
}

}  // namespace

std::vector<VerifyResult> verifyInDns(const std::vector<VerifyTarget>& targets, Resolver& resolver,
                                      Clock& clock, const VerifyOptions& options) {
  std::vector<VerifyResult> results(targets.size());
  std::vector<size_t> pending(targets.size());
  for (size_t i = 0; i < targets.size(); ++i) pending[i] = i;
  const Clock::TimePoint deadline = clock.now() + options.deadline;
  auto delay = std::max(options.firstDelay, std::chrono::milliseconds(1));
  while (!pending.empty()) {
    std::vector<IpAddress> ips;
    ips.reserve(pending.size());
    for (size_t i : pending) ips.push_back(targets[i].ip);
    std::vector<PtrLookup> got = resolver.lookupPtr(ips);
    std::vector<size_t> still;
    for (size_t k = 0; k < pending.size(); ++k) {
      const size_t i = pending[k];
      if (k >= got.size()) {
        results[i] = {false, "the resolver returned no answer"};
      } else {
        results[i] = judge(got[k], targets[i].expected);
      }
      if (!results[i].shown) still.push_back(i);
    }
    pending = std::move(still);
    if (pending.empty()) break;
    // The last look happens at the deadline itself, not one backoff step before it.
    const auto remaining =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock.now());
    if (remaining.count() <= 0) break;
    clock.sleepFor(std::min(delay, remaining));
    delay = std::min(delay * 2, std::max(options.maxDelay, options.firstDelay));
  }
  return results;
}

}  // namespace ptrd
