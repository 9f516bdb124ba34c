#include "core/backoff.h"

#include <algorithm>

namespace ptrd {

JitteredExponentialBackOff::JitteredExponentialBackOff(std::chrono::milliseconds base,
                                                       std::chrono::milliseconds max,
                                                       RandomGenerator& random)
    : base_(std::max(base, std::chrono::milliseconds(1))),
      max_(std::max(max, base_)),
      random_(random) {}

std::chrono::milliseconds exponentialCeiling(std::chrono::milliseconds base,
                                             std::chrono::milliseconds cap, unsigned attempt) {
  // Double until the cap; stop shifting once there so the multiplication cannot overflow.
  int64_t d = base.count();
  for (unsigned i = 0; i < attempt && d > 0 && d < cap.count(); ++i) d *= 2;
  return std::chrono::milliseconds(std::min(d, int64_t(cap.count())));
}

std::chrono::milliseconds JitteredExponentialBackOff::next() {
  const int64_t d = exponentialCeiling(base_, max_, attempt_++).count();
  const int64_t half = d / 2;
  const int64_t span = d - half;  // >= 1 because d >= 1
  return std::chrono::milliseconds(half + int64_t(random_.random() % uint64_t(span)));
}

std::chrono::milliseconds jittered(std::chrono::milliseconds interval, double fraction,
                                   RandomGenerator& random) {
  fraction = std::clamp(fraction, 0.0, 0.99);
  const int64_t spread = int64_t(double(interval.count()) * fraction);
  if (spread <= 0) return interval;
  const int64_t offset =
      int64_t(random.random() % uint64_t(2 * spread)) - spread;  // [-spread, spread)
  return std::chrono::milliseconds(std::max<int64_t>(1, interval.count() + offset));
}

}  // namespace ptrd
