// libFuzzer target: arbitrary bytes as a mapping YAML file. The loader must never
// crash, hang or leak, and must never accept records from a file it reports as
// failed (a broken file never means "desired state is empty" or "half of it").
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "reconciler/source/desired_state_builder.h"
#include "reconciler/source/mapping_document.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ptrd::DesiredStateBuilder builder;
  ptrd::LoadOptions options;
  options.maxRangeSize = 4096;      // keep each input cheap
  builder.setBudget(65536, 65536);  // aliases may repeat a range: bound the expansion too
  ptrd::loadMappingYaml("fuzz.yaml", text, options, builder);
  ptrd::DesiredState state = std::move(builder).finish();
  if (!state.complete() && !state.records.empty()) std::abort();
  for (size_t i = 1; i < state.records.size(); ++i) {
    if (!(state.records[i - 1].ip < state.records[i].ip)) std::abort();  // sorted, one per IP
  }
  return 0;
}
