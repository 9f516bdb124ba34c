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
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "providers/provider.h"
#include "reconciler/daemon_clock.h"

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

}  // namespace ptrd
