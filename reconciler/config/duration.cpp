#include "reconciler/config/duration.h"

#include <fmt/format.h>

#include <cstdint>
#include <limits>

namespace ptrd {

Result<std::chrono::milliseconds> parseDuration(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return Error::permanent(fmt::format("duration \"{}\" {}", text, why));
  };
  if (text.empty()) return bad("is empty");
  uint64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    uint64_t n = 0;
    size_t digits = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++digits) {
      if (n > (std::numeric_limits<uint64_t>::max() - 9) / 10) return bad("is too long");
      n = n * 10 + uint64_t(text[i] - '0');
    }
    if (digits == 0) return bad("must be numbers with units, e.g. 30s, 5m, 1h30m");
    size_t unit_start = i;
    while (i < text.size() && (text[i] < '0' || text[i] > '9')) ++i;
    std::string_view unit = text.substr(unit_start, i - unit_start);
    uint64_t scale = 0;
    if (unit == "ms")
      scale = 1;
    else if (unit == "s")
      scale = 1000;
    else if (unit == "m")
      scale = 60'000;
    else if (unit == "h")
      scale = 3'600'000;
    else if (unit.empty())
      return bad(fmt::format("needs a unit (ms, s, m or h), e.g. {}m", n));
    else
      return bad(fmt::format("has unknown unit \"{}\" (use ms, s, m or h)", unit));
    if (n > std::numeric_limits<int64_t>::max() / scale / 2) return bad("is too long");
    total += n * scale;
    if (total > uint64_t(std::numeric_limits<int64_t>::max() / 2)) return bad("is too long");
  }
  return std::chrono::milliseconds(int64_t(total));
}

std::string formatDuration(std::chrono::milliseconds d) {
  int64_t ms = d.count();
  if (ms == 0) return "0s";
  std::string out;
  if (ms >= 3'600'000) out += fmt::format("{}h", ms / 3'600'000), ms %= 3'600'000;
  if (ms >= 60'000) out += fmt::format("{}m", ms / 60'000), ms %= 60'000;
  if (ms >= 1000) out += fmt::format("{}s", ms / 1000), ms %= 1000;
  if (ms > 0) out += fmt::format("{}ms", ms);
  return out;
}

}  // namespace ptrd
