// DaemonClock: the Clock the daemon loop runs on. Besides now() and sleepFor() it
// tells wall time (for the "last successful reconcile" metric, which is a unix
// timestamp) and waits in a way a signal can cut short: SIGTERM must not sit out
// a five-minute interval, and SIGHUP or a changed file must start a pass at once.
//
// Tests use a fake whose waitUntil() jumps straight to the deadline unless the
// WakeSignal already fired, so a whole day of intervals runs in microseconds.
//
//   WakeSignal signal;                  // shared with the signal thread
//   clock.waitUntil(nextRun, signal, true);   // returns early on signal.wake()/requestStop()
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/clock.h"

namespace ptrd {

// Stop (sticky) and wake (one-shot) flags that cut a DaemonClock wait short.
// Signal handlers never touch it: the sigwait thread does (no work in handlers).
class WakeSignal {
 public:
  void requestStop() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
  }
  void wake() {
    {
      std::lock_guard lock(mu_);
      wake_ = true;
    }
    cv_.notify_all();
  }
  bool stopRequested() const {
    std::lock_guard lock(mu_);
    return stop_;
  }
  // Returns whether a wake was pending, and clears it.
  bool takeWake() {
    std::lock_guard lock(mu_);
    bool w = wake_;
    wake_ = false;
    return w;
  }
  // Blocks until the deadline or a stop (or, with wakeToo, a wake); true when interrupted.
  template <typename TimePoint>
  bool waitUntil(TimePoint deadline, bool wakeToo) {
    std::unique_lock lock(mu_);
    return cv_.wait_until(lock, deadline, [&] { return stop_ || (wakeToo && wake_); });
  }
  // True when a stop (or, with wakeToo, a wake) is pending: what a fake clock
  // checks instead of waiting.
  bool pending(bool wakeToo) const {
    std::lock_guard lock(mu_);
    return stop_ || (wakeToo && wake_);
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool wake_ = false;
};

class DaemonClock : public Clock {
 public:
  using WallTime = std::chrono::system_clock::time_point;
  virtual WallTime wallNow() = 0;
  // Waits until `deadline` or until `signal` stops (or, with wakeToo, wakes);
  // true when cut short. The loop's idle wait uses wakeToo; sleeps inside a pass
  // (DNS verification) wait for a stop only, so a reload request cannot make
  // them spin.
  virtual bool waitUntil(TimePoint deadline, WakeSignal& signal, bool wakeToo) = 0;
};

class SystemDaemonClock final : public DaemonClock {
 public:
  TimePoint now() override { return std::chrono::steady_clock::now(); }
  void sleepFor(std::chrono::milliseconds d) override { std::this_thread::sleep_for(d); }
  WallTime wallNow() override { return std::chrono::system_clock::now(); }
  bool waitUntil(TimePoint deadline, WakeSignal& signal, bool wakeToo) override {
    return signal.waitUntil(deadline, wakeToo);
  }
};

}  // namespace ptrd
