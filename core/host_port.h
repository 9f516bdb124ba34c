// One parser for every "ADDRESS:PORT" ptrd reads: the resolvers a config or
// --resolver names, and the daemon's listen address. IP literals only (a name
// would need DNS to find the DNS server); IPv6 in brackets when a port follows.
//
//   parseHostPort("[::1]:5300", PortRule::kRequired)      -> ::1, 5300
//   parseHostPort("192.0.2.1", PortRule::kOptional, 53)   -> 192.0.2.1, 53
//   parseHostPort("2001:db8::1", PortRule::kOptional, 53) -> 2001:db8::1, 53
#pragma once

#include <string_view>

#include "core/result.h"
#include "core/ip_address.h"

namespace ptrd {

struct HostPort {
  IpAddress ip;
  int port = 0;
};

enum class PortRule { kRequired, kOptional };

// The Error holds the reason alone ("port must be 1..65535"); callers name the
// setting and the text.
Result<HostPort> parseHostPort(std::string_view spec, PortRule rule, int defaultPort = 0);

}  // namespace ptrd
