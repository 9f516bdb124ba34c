// libFuzzer target: arbitrary bytes as any answer of the NOC portal API (the
// address list, the bulk submit answer, a job, an error body). Parsing must
// never crash or throw, and what it accepts must be usable: no empty IP in an
// address list, a finished job only in a known final state.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "providers/noc/noc_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  using namespace ptrd::providers::noc;
  if (auto page = parseIpsPage(body)) {
    for (const auto& a : page->items) {
      if (a.ip.empty()) std::abort();  // an item without an address would mean "not owned"
      if (!a.ptr.empty() && a.ptr.back() != '.') std::abort();  // canonical names end in '.'
    }
  }
  if (auto id = parseJobId(body)) {
    if (id->empty()) std::abort();
  }
  if (auto job = parseJob(body)) {
    for (const auto& r : job->results) {
      if (!r.ptr.empty() && r.ptr.back() != '.') std::abort();
    }
  }
  std::string text = errorText(500, body);
  if (text.rfind("HTTP 500", 0) != 0) std::abort();
  return 0;
}
