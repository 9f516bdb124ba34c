// Fakes for the daemon's seams: a DaemonClock that moves only when told (its
// waits jump to the deadline unless a signal is pending), a RandomGenerator
// with a settable value, and a Provider wrapper with hooks.
#pragma once

#include <functional>
#include <vector>

#include "providers/noc/noc_json.h"
#include "providers/provider.h"
#include "core/backoff.h"
#include "core/daemon_clock.h"

namespace ptrd::testing {

class FakeDaemonClock final : public DaemonClock {
 public:
  TimePoint now() override { return now_; }
  void sleepFor(std::chrono::milliseconds d) override { now_ += d; }
  WallTime wallNow() override {
    return WallTime(std::chrono::seconds(1'700'000'000)) + (now_ - TimePoint{});
  }
  bool waitUntil(TimePoint deadline, WakeSignal& signal, bool wakeToo) override {
    ++waits;
    if (signal.pending(wakeToo)) return true;
    if (deadline > now_) now_ = deadline;
    return false;
  }
  void advance(std::chrono::milliseconds d) { now_ += d; }
  void set(TimePoint t) { now_ = t; }
  int waits = 0;

 private:
  TimePoint now_{std::chrono::hours(1)};
};

class FixedRandom final : public RandomGenerator {
 public:
  explicit FixedRandom(uint64_t v = 0) : value(v) {}
  uint64_t random() override { return value; }
  uint64_t value;
};

// Forwards to a provider and lets a test act at apply()/resume() time.
class HookProvider final : public providers::Provider {
 public:
  explicit HookProvider(providers::Provider& inner) : inner_(inner) {}
  std::function<void(const std::vector<providers::Change>&)> onApply;
  std::function<Result<std::vector<providers::ChangeResult>>(const providers::JournaledJob&)>
      onResume;
  int applies = 0;
  std::vector<providers::JournaledJob> resumed;
  std::chrono::seconds window{std::chrono::hours(24)};  // resumeWindow(), as the noc portal's

  std::string type() const override { return inner_.type(); }
  size_t maxBatchSize() const override { return inner_.maxBatchSize(); }
  Result<providers::Inventory> inventory() override { return inner_.inventory(); }
  Result<std::vector<providers::ChangeResult>> apply(
      const std::vector<providers::Change>& batch) override {
    ++applies;
    if (onApply) onApply(batch);
    return inner_.apply(batch);
  }
  Result<std::vector<providers::ChangeResult>> resume(const providers::JournaledJob& job) override {
    resumed.push_back(job);
    if (onResume) return onResume(job);
    return inner_.resume(job);
  }
  std::chrono::seconds resumeWindow() const override { return window; }
  // The tests journal bodies in the noc portal's bulk format, whatever the inner provider.
  Result<std::vector<providers::Change>> journaledChanges(
      const providers::JournaledJob& job) const override {
    return providers::noc::parseBulkBody(job.body);
  }

 private:
  providers::Provider& inner_;
};

}  // namespace ptrd::testing
