// The standard process_* metrics (the names every Prometheus client library
// exports), read from /proc/self on each scrape. prometheus-cpp has no process
// collector, and dashboards and alerts people already have look for these names.
//
//   auto stats = readProcessStats();              // nullopt off Linux or on a read error
//   if (stats) families = processFamilies(*stats);  // appended to /metrics
#pragma once

#include <prometheus/metric_family.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace ptrd {

struct ProcessStats {
  double cpuSeconds = 0;        // user + system
  double startTimeSeconds = 0;  // Unix time
  double residentBytes = 0;
  double virtualBytes = 0;
  double openFds = 0;
  double maxFds = 0;  // the soft RLIMIT_NOFILE
};

// The fields of /proc/<pid>/stat this needs, in clock ticks and pages as the
// kernel writes them. Parsed after the LAST ')' so a command name holding spaces
// or parentheses cannot shift the fields.
struct ProcStat {
  uint64_t utimeTicks = 0;
  uint64_t stimeTicks = 0;
  uint64_t startTicks = 0;  // since boot
  uint64_t vsizeBytes = 0;
  uint64_t rssPages = 0;
};
std::optional<ProcStat> parseProcStat(std::string_view text);
// The "btime" line of /proc/stat: boot time in Unix seconds.
std::optional<uint64_t> parseBootTime(std::string_view procStat);

std::optional<ProcessStats> readProcessStats();
std::vector<prometheus::MetricFamily> processFamilies(const ProcessStats& stats);

}  // namespace ptrd
