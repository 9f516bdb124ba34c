// The PowerDNS API's JSON documents the provider reads, parsed defensively and
// apart from HTTP so they can be fuzzed and tested on their own: a malformed
// document is an Error (transient: a proxy or a restarting server may garble
// one answer), never an empty list.
#pragma once

#include <string>
#include <vector>

#include "providers/powerdns/reverse_name.h"
#include "core/result.h"

namespace ptrd::providers::powerdns {

struct ZoneRef {
  std::string name;  // canonical, trailing dot
  std::string id;    // as the API spells it in URLs
};

// GET /api/v1/servers/{id}/zones: the reverse zones (in-addr.arpa. / ip6.arpa.),
// sorted by name; forward zones are skipped.
Result<std::vector<ZoneRef>> parseReverseZones(const std::string& body);

struct ZonePtr {
  ReverseAddress address;
  std::string ptr;  // canonical; the smallest enabled record of the rrset
};

// GET /api/v1/servers/{id}/zones/{zone}: every PTR rrset whose owner is a full
// reverse name with at least one enabled record, in document order.
Result<std::vector<ZonePtr>> parseZonePtrs(const std::string& body);

}  // namespace ptrd::providers::powerdns
