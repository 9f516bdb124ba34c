// libFuzzer target: arbitrary bytes as a bulk .txt file. Every accepted record
// must carry a hostname that is already in normal form, and a line number inside
// the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "reconciler/source/bulk_mappings.h"
#include "core/hostname.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ptrd::DesiredStateBuilder builder;
  uint32_t source = builder.addSource("fuzz.txt", "fuzz");
  ptrd::BulkOrigin origin;
  origin.file = "fuzz.txt";
  origin.csvHeaderAllowed = true;
  ptrd::addBulkMappings(text, origin, source, builder);
  ptrd::DesiredState state = std::move(builder).finish();
  size_t lines = 1;
  for (char c : text) lines += c == '\n';
  for (const auto& r : state.records) {
    auto again = ptrd::normaliseHostname(r.hostname);
    if (!again || *again != r.hostname) std::abort();
    if (r.line == 0 || r.line > lines) std::abort();
  }
  for (const auto& inv : state.invalid) {
    if (inv.diagnostic.where.line == 0 || inv.diagnostic.where.line > lines) std::abort();
  }
  return 0;
}
