// The OVHcloud API's JSON documents for reverse DNS, parsed defensively: a
// malformed document is an Error, never an empty list.
//   GET /auth/time                    1700000000
//   GET /ip                           ["203.0.113.0/29", "2001:db8::/64"]
//   GET /ip/{block}/reverse           ["203.0.113.3"]   (custom entries only)
//   GET /ip/{block}/reverse/{ip}      {"ipReverse": "203.0.113.3", "reverse": "a.example.com."}
//   errors                            {"errorCode", "httpCode", "message"} or {"class", "message"}
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/ip_address.h"
#include "core/result.h"
#include "providers/provider.h"

namespace ptrd::providers::ovh {

// The API clock: a bare Unix time.
Result<int64_t> parseTime(const std::string& body);

// The account's blocks; more than maxBlocks is an error naming the bound.
Result<std::vector<Cidr>> parseBlocks(const std::string& body, size_t maxBlocks);

// The addresses of one block that carry a custom reverse (canonical); each must
// lie inside `block`, and more than maxItems is an error naming the bound.
Result<std::vector<IpAddress>> parseReverseList(const std::string& body, const Cidr& block,
                                                size_t maxItems);

struct ReverseEntry {
  std::string ip;   // canonical
  std::string ptr;  // canonical, trailing dot
};
Result<ReverseEntry> parseReverse(const std::string& body);

// {"ipReverse": "<address>", "reverse": "<name with trailing dot>"}
std::string reverseBody(const Change& change);

struct OvhError {
  std::string errorCode;  // "INVALID_SIGNATURE", ...; empty when the body has none
  std::string message;    // the platform's words (bounded), or "HTTP n"
};
OvhError parseError(int httpCode, const std::string& body);

// The credentials (signature, keys, access rules) were refused.
bool isAuthError(int httpCode, const OvhError& e);
// The request's timestamp was too far from the API's clock.
bool isTimeError(const OvhError& e);
// OVH's own forward check refused the name: "<name>. does not resolve to <ip>",
// "Cannot check if <name>. resolves to <ip>".
bool isForwardRefusal(const std::string& message);

// Whether `ip` lies inside `block`.
bool blockContains(const Cidr& block, const IpAddress& ip);

}  // namespace ptrd::providers::ovh
