#include "reconciler/plan/safety_cap.h"

#include <fmt/format.h>

namespace ptrd {

CapVerdict checkSafetyCap(uint64_t changes, uint64_t managed, const SafetyLimits& limits) {
  if (changes == 0) return {};
  if (changes > limits.maxChanges) {
    return {true, fmt::format("the plan changes {} IPs, more than maxChanges {}", changes,
                              limits.maxChanges)};
  }
  const double share = managed == 0 ? 100.0 : 100.0 * double(changes) / double(managed);
  // Multiply instead of dividing so the boundary is exact: 20% of 5 allows 1 change.
  if (limits.maxChangePercent < 100.0 &&
      double(changes) * 100.0 > limits.maxChangePercent * double(managed)) {
    return {true, fmt::format("the plan changes {} of {} managed IPs ({:.1f}%), more than "
                              "maxChangePercent {}%",
                              changes, managed, share, limits.maxChangePercent)};
  }
  return {};
}

}  // namespace ptrd
