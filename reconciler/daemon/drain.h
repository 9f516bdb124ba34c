// Draining on SIGTERM: the pass in hand finishes the batch it is sending and then
// winds down quickly instead of sending the rest or waiting out DNS verification.
//
// Both pieces wrap what applyPlan() already takes, so the reconcile code needs no
// notion of shutdown:
//   - DrainingProvider refuses further batches once a stop is requested (they
//     come back failed with kDrainReason and are re-planned after the restart);
//   - DrainingClock makes every deadline pass at once after a stop (now() jumps
//     far ahead) and its sleeps return on a stop, so verification ends after
//     at most one more lookup; what it has not seen stays `propagating`.
//   - DaemonProviderWait is the ProviderWait the daemon hands its provider: a
//     Retry-After, a backoff or a job poll returns as soon as a stop comes (the
//     job stays in the journal and is resumed), and no provider wait runs past
//     the deadline of the pass in hand.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "providers/provider.h"
#include "providers/provider_wait.h"
#include "core/daemon_clock.h"

namespace ptrd {

inline constexpr const char* kDrainReason = "not sent: ptrd is shutting down";

class DrainingProvider final : public providers::Provider {
 public:
  DrainingProvider(providers::Provider& inner, WakeSignal& signal)
      : inner_(inner), signal_(signal) {}
  std::string type() const override { return inner_.type(); }
  size_t maxBatchSize() const override { return inner_.maxBatchSize(); }
  Result<providers::Inventory> inventory() override { return inner_.inventory(); }
  Result<std::vector<providers::ChangeResult>> apply(
      const std::vector<providers::Change>& batch) override {
    if (signal_.stopRequested()) return Error::transient(kDrainReason);
    return inner_.apply(batch);
  }
  Result<std::vector<providers::ChangeResult>> resume(const providers::JournaledJob& job) override {
    return inner_.resume(job);
  }

 private:
  providers::Provider& inner_;
  WakeSignal& signal_;
};

class DrainingClock final : public Clock {
 public:
  DrainingClock(DaemonClock& inner, WakeSignal& signal) : inner_(inner), signal_(signal) {}
  TimePoint now() override {
    // Far enough that every deadline has passed, near enough not to overflow.
    return signal_.stopRequested() ? inner_.now() + std::chrono::hours(24 * 1000) : inner_.now();
  }
  void sleepFor(std::chrono::milliseconds d) override {
    if (!signal_.stopRequested()) inner_.waitUntil(inner_.now() + d, signal_, /*wakeToo=*/false);
  }

 private:
  DaemonClock& inner_;
  WakeSignal& signal_;
};

class DaemonProviderWait final : public providers::ProviderWait {
 public:
  DaemonProviderWait(DaemonClock& clock, WakeSignal& signal) : clock_(clock), signal_(signal) {}
  TimePoint now() override { return clock_.now(); }
  bool waitFor(std::chrono::milliseconds d) override {
    if (signal_.stopRequested()) return true;
    return clock_.waitUntil(clock_.now() + d, signal_, /*wakeToo=*/false);
  }
  bool stopRequested() override { return signal_.stopRequested(); }
  TimePoint passDeadline() override {
    std::lock_guard lock(mu_);
    return deadline_;
  }
  // The daemon loop calls this as each pass starts.
  void startPass(TimePoint deadline) {
    std::lock_guard lock(mu_);
    deadline_ = deadline;
  }

 private:
  DaemonClock& clock_;
  WakeSignal& signal_;
  std::mutex mu_;
  TimePoint deadline_ = TimePoint::max();
};

}  // namespace ptrd
