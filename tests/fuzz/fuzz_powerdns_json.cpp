// libFuzzer target: arbitrary bytes as a PowerDNS API answer (the zone list and
// a zone's rrsets). Parsing must never crash or throw; accepted zones are
// reverse zones in canonical form, accepted PTRs are canonical names of full
// reverse addresses ("." canonicalises to "": no PTR).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "providers/powerdns/powerdns_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  using namespace ptrd::providers::powerdns;
  if (auto zones = parseReverseZones(body)) {
    for (const auto& z : *zones) {
      if (z.name.empty() || z.name.back() != '.') std::abort();
      if (!z.name.ends_with("in-addr.arpa.") && !z.name.ends_with("ip6.arpa.")) std::abort();
    }
  }
  if (auto ptrs = parseZonePtrs(body)) {
    for (const auto& p : *ptrs) {
      if (!p.ptr.empty() && p.ptr.back() != '.') std::abort();
      if (p.address.str().empty()) std::abort();
    }
  }
  return 0;
}
