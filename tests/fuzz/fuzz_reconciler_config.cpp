// libFuzzer target: arbitrary bytes as a ReconcilerConfig file (issue #10). The
// parser must never crash, hang or grow without bound (yaml-cpp 0.7's LoadAll
// looped on a stray ',' line), and a config it accepts must be usable: mappings
// and a known provider with its url and secret file, never a half-read config.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "reconciler/config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<ptrd::Diagnostic> errors;
  ptrd::ReconcilerConfig config = ptrd::parseConfig(text, "/etc/ptrd/fuzz.yaml", errors);
  for (const auto& e : errors) {
    if (e.where.file != "/etc/ptrd/fuzz.yaml" || e.reason.empty())
      std::abort();  // every error is placed
  }
  if (!errors.empty()) return 0;
  if (config.mappings.empty()) std::abort();
  if (config.provider.type != "powerdns" && config.provider.type != "noc") std::abort();
  if (config.provider.url.empty() || config.provider.apiKeyFile.empty()) std::abort();
  if (config.interval.count() <= 0 || config.limits.maxChanges == 0) std::abort();
  return 0;
}
