// ProviderWait: how a provider waits (Retry-After, backoff between retries, bulk
// job polling) so that SIGTERM can cut the wait short and one pass cannot wait
// longer than its deadline. Providers must not depend on reconciler/, so the
// interface lives here; the daemon implements it over its clock and stop signal
// (reconciler/daemon/drain.h), commands use the plain one (stop never comes).
//
//   if (wait.waitFor(retryAfter)) return Error::transient("... shutting down");
//   auto end = std::min(start + jobTimeout, wait.passDeadline());
#pragma once

#include <chrono>
#include <memory>
#include <thread>

namespace ptrd::providers {

inline constexpr const char* kStoppedReason = "stopped: ptrd is shutting down";

class ProviderWait {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  virtual ~ProviderWait() = default;
  virtual TimePoint now() = 0;
  // Blocks for d, or less when a stop comes; true when a stop cut it short (or
  // was already pending: then it returns at once).
  virtual bool waitFor(std::chrono::milliseconds d) = 0;
  virtual bool stopRequested() = 0;
  // When the pass in hand must be over; TimePoint::max() when nothing bounds it.
  virtual TimePoint passDeadline() { return TimePoint::max(); }
};

// Steady clock and a plain sleep: for commands, which run one pass and end on a
// signal's default action.
class PlainWait final : public ProviderWait {
 public:
  TimePoint now() override { return std::chrono::steady_clock::now(); }
  bool waitFor(std::chrono::milliseconds d) override {
    std::this_thread::sleep_for(d);
    return false;
  }
  bool stopRequested() override { return false; }
};

}  // namespace ptrd::providers
