#include "reconciler/daemon/memory_probe.h"

#include <cstdlib>
#include <fstream>
#include <string>

namespace ptrd {
namespace {

// kB of one "Name:   123 kB" line of /proc/self/status, -1 when absent.
long statusKb(const std::string& text, std::string_view name) {
  const auto at = text.find(std::string(name) + ":");
  if (at == std::string::npos) return -1;
  return std::strtol(text.c_str() + at + name.size() + 1, nullptr, 10);
}

}  // namespace

MemoryProbe::MemoryProbe() : enabled_(std::getenv("PTRD_MEMORY_PROBE") != nullptr) {}

void MemoryProbe::mark(Logger& log, std::string_view phase) {
  if (!enabled_) return;
  std::ifstream in("/proc/self/status");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  log.info("memory probe", {{"phase", std::string(phase)},
                            {"hwm_kb", statusKb(text, "VmHWM")},
                            {"rss_kb", statusKb(text, "VmRSS")}});
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
}

}  // namespace ptrd
