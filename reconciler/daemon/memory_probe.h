#pragma once

#include <string_view>

#include "reconciler/telemetry/logger.h"

namespace ptrd {

// A debugging aid for finding where a pass's memory peak happens: with the
// environment variable PTRD_MEMORY_PROBE set, each phase boundary logs the
// process's VmHWM (the high-water mark since the previous boundary) and VmRSS,
// then resets the high-water mark (Linux: "5" into /proc/self/clear_refs), so
// each line's peak is that phase's own. Unset (the default), it does nothing.
class MemoryProbe {
 public:
  MemoryProbe();
  void mark(Logger& log, std::string_view phase);

 private:
  bool enabled_ = false;
};

}  // namespace ptrd
