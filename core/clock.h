// Clock: the one seam through which the reconciler reads time and waits, so the
// verification loop (and the daemon's interval) run under a fake clock in tests
// that never sleep (Envoy's TimeSource, in miniature).
#pragma once

#include <chrono>
#include <thread>

namespace ptrd {

class Clock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  virtual TimePoint now() = 0;
  virtual void sleepFor(std::chrono::milliseconds d) = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() override { return std::chrono::steady_clock::now(); }
  void sleepFor(std::chrono::milliseconds d) override { std::this_thread::sleep_for(d); }
};

}  // namespace ptrd
