// The Hetzner Robot webservice's documents for reverse DNS: the wrapped JSON
// lists of GET /ip, /subnet and /rdns, one {"rdns": {...}} answer, and the
// error envelope. Parsed defensively: a malformed document is an Error, never
// an empty list. Kept apart from the provider's control flow so parsing is
// tested on its own.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"

namespace ptrd::providers::hetzner_robot {

struct RobotIp {
  std::string ip;       // canonical
  bool mainIp = false;  // the server's main IPv4 (ip == server_ip): it has a default PTR
};
struct RobotSubnet {
  std::string network;  // canonical
  int mask = 0;
};
struct RdnsEntry {
  std::string ip;   // canonical
  std::string ptr;  // canonical, trailing dot
};

// [{"ip": {"ip", "server_ip", ...}}, ...]
Result<std::vector<RobotIp>> parseIps(const std::string& body);
// [{"subnet": {"ip", "mask", ...}}, ...]
Result<std::vector<RobotSubnet>> parseSubnets(const std::string& body);
// [{"rdns": {"ip", "ptr"}}, ...]
Result<std::vector<RdnsEntry>> parseRdnsList(const std::string& body);
// {"rdns": {"ip", "ptr"}}
Result<RdnsEntry> parseRdns(const std::string& body);

struct RobotError {
  std::string code;     // RATE_LIMIT_EXCEEDED, RDNS_NOT_FOUND, IP_NOT_FOUND, INVALID_INPUT, ...
  std::string message;  // "code: message[ (invalid: ptr)]", or "HTTP n" when unreadable
};
RobotError parseError(int httpCode, const std::string& body);

// The default a server's main IPv4 shows: static.d.c.b.a.clients.your-server.de.
std::string mainIpDefault(const std::string& canonicalIp);

// "ptr=<host without trailing dot>", form-encoded.
std::string ptrForm(const std::string& hostname);

// RFC 4648 base64, for the Basic credentials.
std::string base64(const std::string& text);

}  // namespace ptrd::providers::hetzner_robot
