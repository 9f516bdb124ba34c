#include "reconciler/telemetry/process_metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

namespace ptrd {
namespace {

// /proc files are small; the cap only guards against a surprise.
constexpr size_t kMaxProcFile = 64 * 1024;

std::optional<std::string> readSmallFile(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text(kMaxProcFile, '\0');
  in.read(text.data(), std::streamsize(text.size()));
  text.resize(size_t(in.gcount()));
  return text;
}

std::optional<uint64_t> toUint(std::string_view s) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

prometheus::MetricFamily family(const char* name, const char* help, prometheus::MetricType type,
                                double value) {
  prometheus::ClientMetric m;
  if (type == prometheus::MetricType::Counter)
    m.counter.value = value;
  else
    m.gauge.value = value;
  return prometheus::MetricFamily{name, help, type, {m}};
}

}  // namespace

std::optional<ProcStat> parseProcStat(std::string_view text) {
  const size_t close = text.rfind(')');
  if (close == std::string_view::npos) return std::nullopt;
  // Fields after "pid (comm)": the state is field 3, so field N is index N - 3.
  std::vector<std::string_view> fields;
  size_t i = close + 1;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\n')) ++i;
    const size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\n') ++i;
    if (i > start) fields.push_back(text.substr(start, i - start));
  }
  auto field = [&](size_t n) -> std::optional<uint64_t> {
    if (n - 3 >= fields.size()) return std::nullopt;
    return toUint(fields[n - 3]);
  };
  auto utime = field(14), stime = field(15), start = field(22), vsize = field(23), rss = field(24);
  if (!utime || !stime || !start || !vsize || !rss) return std::nullopt;
  return ProcStat{*utime, *stime, *start, *vsize, *rss};
}

std::optional<uint64_t> parseBootTime(std::string_view procStat) {
  std::istringstream in{std::string(procStat)};
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("btime ", 0) == 0) return toUint(std::string_view(line).substr(6));
  }
  return std::nullopt;
}

std::optional<ProcessStats> readProcessStats() {
  auto statText = readSmallFile("/proc/self/stat");
  auto bootText = readSmallFile("/proc/stat");
  if (!statText || !bootText) return std::nullopt;
  auto stat = parseProcStat(*statText);
  auto boot = parseBootTime(*bootText);
  const long ticks = ::sysconf(_SC_CLK_TCK);
  const long page = ::sysconf(_SC_PAGESIZE);
  if (!stat || !boot || ticks <= 0 || page <= 0) return std::nullopt;

  ProcessStats s;
  s.cpuSeconds = double(stat->utimeTicks + stat->stimeTicks) / double(ticks);
  s.startTimeSeconds = double(*boot) + double(stat->startTicks) / double(ticks);
  s.residentBytes = double(stat->rssPages) * double(page);
  s.virtualBytes = double(stat->vsizeBytes);
  std::error_code ec;
  auto dir = std::filesystem::directory_iterator("/proc/self/fd", ec);
  if (!ec) s.openFds = double(std::distance(dir, std::filesystem::directory_iterator()));
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY)
    s.maxFds = double(lim.rlim_cur);
  return s;
}

std::vector<prometheus::MetricFamily> processFamilies(const ProcessStats& s) {
  using prometheus::MetricType;
  return {
      family("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
             MetricType::Counter, s.cpuSeconds),
      family("process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
             MetricType::Gauge, s.startTimeSeconds),
      family("process_resident_memory_bytes", "Resident memory size in bytes.", MetricType::Gauge,
             s.residentBytes),
      family("process_virtual_memory_bytes", "Virtual memory size in bytes.", MetricType::Gauge,
             s.virtualBytes),
      family("process_open_fds", "Number of open file descriptors.", MetricType::Gauge, s.openFds),
      family("process_max_fds", "Maximum number of open file descriptors.", MetricType::Gauge,
             s.maxFds),
  };
}

}  // namespace ptrd
