// Durations as people write them in config files: "30s", "5m", "1h", "1h30m",
// "250ms". A unit is required (a bare "5" could mean seconds or minutes).
//
//   parseDuration("1h30m")  // -> 5400000 ms
//   parseDuration("5")      // -> Error: duration "5" needs a unit (ms, s, m or h), e.g. 5m
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/result.h"

namespace ptrd {

Result<std::chrono::milliseconds> parseDuration(std::string_view text);
// The shortest spelling parseDuration reads back: 90000ms -> "1m30s".
std::string formatDuration(std::chrono::milliseconds d);

}  // namespace ptrd
