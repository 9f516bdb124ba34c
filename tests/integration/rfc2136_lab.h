// The zones the rfc2136 integration tests serve from a real BIND or Knot:
//
//   IP              PTR before               forward                    mapping          state
//   203.0.113.1     (none)                   mail A 203.0.113.1         mail.example.com set
//   203.0.113.2     old.example.com.         mx A 203.0.113.2           mx.example.com   set
//   203.0.113.3     relay.example.com.                                  reset: true      reset
//   (delete) 203.0.113.4                                                         "mail" invalid
//   203.0.113.5     (none)                   (NXDOMAIN)                 unresolvable...
//   blocked_forward 203.0.113.6     insync.example.com.      insync A 203.0.113.6       insync...
//   in_sync 192.0.2.1                                elsewhere A 192.0.2.1      elsewhere...
//   not_owned 198.51.100.5    (none; parent CNAME into 0-25.100.51.198...)        host5... set (RFC
//   2317) 2001:db8::25    (none)                   mail6 AAAA 2001:db8::25    mail6...         set
//   (ip6.arpa)
#pragma once

#include <string>

#include "tests/integration/provider_lab.h"
#include "tests/lab/update_server.h"

namespace ptrd::testing {

inline lab::UpdateServerOptions rfc2136Zones() {
  lab::UpdateServerOptions o;
  o.zones = {
      {"example.com",
       "mail A 203.0.113.1\nmx A 203.0.113.2\ninsync A 203.0.113.6\nelsewhere A 192.0.2.1\n"
       "host5 A 198.51.100.5\nmail6 AAAA 2001:db8::25\nintruder A 203.0.113.2\n"},
      {"113.0.203.in-addr.arpa",
       "2 PTR old.example.com.\n3 PTR relay.example.com.\n6 PTR insync.example.com.\n"},
      // The parent of the RFC 2317 slice: not ptrd's, it only points into the slice.
      // The delegation tells the server that the CNAME's target lies in another zone.
      {"100.51.198.in-addr.arpa",
       "0-25 NS ns1.lab.test.\n5 CNAME 5.0-25.100.51.198.in-addr.arpa.\n"},
      {"0-25.100.51.198.in-addr.arpa", ""},
      {"8.b.d.0.1.0.0.2.ip6.arpa", ""},
  };
  return o;
}

// The zones ptrd manages (the provider's `zones:`).
inline const char* kManagedZones =
    "[113.0.203.in-addr.arpa, 0-25.100.51.198.in-addr.arpa, 8.b.d.0.1.0.0.2.ip6.arpa]";

// Line 10 holds the invalid hostname.
inline const char* kRfc2136Mappings = R"(apiVersion: ptrd.io/v1alpha1
kind: PTRMappings
metadata:
  name: rfc2136-fleet
spec:
  records:
    - {ip: 203.0.113.1, hostname: mail.example.com}
    - {ip: 203.0.113.2, hostname: mx.example.com}
    - {ip: 203.0.113.3, reset: true}
    - {ip: 203.0.113.4, hostname: mail}
    - {ip: 203.0.113.5, hostname: unresolvable.example.com}
    - {ip: 203.0.113.6, hostname: insync.example.com}
    - {ip: 192.0.2.1, hostname: elsewhere.example.com}
    - {ip: 198.51.100.5, hostname: host5.example.com}
    - {ip: "2001:db8::25", hostname: mail6.example.com}
)";

// What a resolver finds for ip's PTR: dig -x, then, when the answer is the
// parent's CNAME into an RFC 2317 slice (an authoritative server does not
// chase it into another zone), the PTR at the CNAME's target.
inline std::string digFollowingCname(int port, const std::string& ip, const std::string& scratch) {
  std::string first = digPtr(port, ip, scratch);
  if (first.find('\n') != std::string::npos || !first.ends_with(".in-addr.arpa.")) return first;
  auto r = lab::runCommand({"dig", "@127.0.0.1", "-p", std::to_string(port), first, "PTR", "+short",
                            "+time=2", "+tries=2"},
                           scratch);
  std::string out = r.out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return first + " -> " + out;
}

}  // namespace ptrd::testing
