#include "reconciler/plan/forward_gate.h"

#include <fmt/format.h>

#include <algorithm>

namespace ptrd {

const char* forwardType(IpAddress::Family family) {
  return family == IpAddress::Family::kV4 ? "A" : "AAAA";
}

GateVerdict checkForward(const IpAddress& ip, const std::string& hostname,
                         const ForwardLookup* lookup) {
  using Kind = GateVerdict::Kind;
  const char* type = forwardType(ip.family());
  if (lookup == nullptr) {
    return {Kind::kLookupError, fmt::format("no {} lookup of {} was made", type, hostname)};
  }
  switch (lookup->outcome) {
    case LookupOutcome::kAnswer: {
      const auto& a = lookup->addresses;
      if (std::find(a.begin(), a.end(), ip) != a.end()) return {Kind::kPass, {}};
      std::string list;
      for (const auto& addr : a) list += (list.empty() ? "" : ", ") + addr.str();
      if (list.empty()) list = "no address";
      return {Kind::kBlocked,
              fmt::format("{} resolves to {} ({}), not {}", hostname, list, type, ip.str())};
    }
    case LookupOutcome::kNxdomain:
      return {Kind::kBlocked,
              fmt::format("{} does not exist (NXDOMAIN), so it cannot resolve to {}", hostname,
                          ip.str())};
    case LookupOutcome::kNodata:
      return {Kind::kBlocked,
              fmt::format("{} has no {} record (NODATA), so it cannot resolve to {}", hostname,
                          type, ip.str())};
    default:
      break;
  }
  std::string detail = lookup->detail.empty() ? "" : fmt::format(" ({})", lookup->detail);
  return {Kind::kLookupError, fmt::format("{} lookup of {} failed: {}{}", type, hostname,
                                          outcomeName(lookup->outcome), detail)};
}

}  // namespace ptrd
