// The safety cap (contract §2): a pass that would change more than
// maxChangePercent of the managed IPs, or more than maxChanges of them, changes
// nothing and says so. A person may override it explicitly (--allow-large-change).
//
// "Managed" is every declared IP plus every owned IP with a custom PTR: the set a
// wrong mapping file or a wrong inventory could wreck in one pass.
//
//   auto v = checkSafetyCap(300, 1000, SafetyLimits{20, 1000});
//   v.exceeded;  // true: 30% > 20%
//   v.message;   // "the plan changes 300 of 1000 managed IPs (30.0%), more than maxChangePercent
//   20%"
#pragma once

#include <cstdint>
#include <string>

namespace ptrd {

struct SafetyLimits {
  double maxChangePercent = 20;  // 0..100; 100 turns the share limit off
  uint64_t maxChanges = 1000;
};

struct CapVerdict {
  bool exceeded = false;
  std::string message;  // why, when exceeded; empty otherwise
};

CapVerdict checkSafetyCap(uint64_t changes, uint64_t managed, const SafetyLimits& limits);

}  // namespace ptrd
