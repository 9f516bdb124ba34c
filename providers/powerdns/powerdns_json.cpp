#include "providers/powerdns/powerdns_json.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/hostname.h"

namespace ptrd::providers::powerdns {
namespace {

using nlohmann::json;

bool isReverseZone(std::string_view zone) {
  return zone.ends_with(".in-addr.arpa.") || zone.ends_with(".ip6.arpa.") ||
         zone == "in-addr.arpa." || zone == "ip6.arpa.";
}

}  // namespace

Result<std::vector<ZoneRef>> parseReverseZones(const std::string& body) {
  std::vector<ZoneRef> zones;
  try {
    auto j = json::parse(body);
    if (!j.is_array()) return Error::transient("response is not a JSON array");
    for (const auto& z : j) {
      std::string name = canonicalDnsName(z.at("name").get<std::string>());
      if (!isReverseZone(name)) continue;
      std::string id = z.contains("id") ? z["id"].get<std::string>() : name;
      zones.push_back({name, id});
    }
  } catch (const json::exception& e) {
    return Error::transient(fmt::format("malformed JSON ({})", e.what()));
  }
  std::sort(zones.begin(), zones.end(),
            [](const ZoneRef& a, const ZoneRef& b) { return a.name < b.name; });
  return zones;
}

Result<std::vector<ZonePtr>> parseZonePtrs(const std::string& body) {
  std::vector<ZonePtr> out;
  try {
    auto j = json::parse(body);
    for (const auto& rrset : j.at("rrsets")) {
      if (rrset.at("type").get<std::string>() != "PTR") continue;
      auto addr = IpAddress::fromReverseName(canonicalDnsName(rrset.at("name").get<std::string>()));
      if (!addr) continue;  // e.g. RFC 2317 delegation names: not an address
      // Several records in one PTR rrset are legal; report the smallest so the
      // result does not depend on the server's ordering.
      std::vector<std::string> contents;
      for (const auto& rec : rrset.at("records")) {
        if (rec.value("disabled", false)) continue;
        contents.push_back(canonicalDnsName(rec.at("content").get<std::string>()));
      }
      if (contents.empty()) continue;
      out.push_back({*addr, *std::min_element(contents.begin(), contents.end())});
    }
  } catch (const json::exception& e) {
    return Error::transient(fmt::format("malformed JSON ({})", e.what()));
  }
  return out;
}

}  // namespace ptrd::providers::powerdns
