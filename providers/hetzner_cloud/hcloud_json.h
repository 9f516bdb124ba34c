// Reading the Hetzner Cloud API's answers: resource listings (servers, primary
// IPs, floating IPs, load balancers, each paged), actions and error bodies.
//
// Parsing is strict: a field of the wrong type, a listing without its array or
// without meta.pagination is an Error (transient: a garbled answer may be a
// proxy's), never "no addresses". Names come back without a trailing dot; they
// are returned canonical (lower case, one trailing dot).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace ptrd::providers::hetzner_cloud {

// The four resource kinds that carry PTRs; each has its own listing and its
// own change_dns_ptr action URL.
enum class Kind { kServer, kPrimaryIp, kFloatingIp, kLoadBalancer };
inline constexpr Kind kAllKinds[] = {Kind::kServer, Kind::kPrimaryIp, Kind::kFloatingIp,
                                     Kind::kLoadBalancer};
// "servers", "primary_ips", "floating_ips", "load_balancers": the URL prefix and
// the listing's array key.
const char* kindPath(Kind k);

struct Holder {
  Kind kind = Kind::kServer;
  uint64_t id = 0;
};

struct AddressPtr {
  std::string ip;   // canonical text
  std::string ptr;  // canonical; empty when none
};

// What one listing page says about the addresses of its resources.
struct Listed {
  Holder holder;
  // Single addresses (IPv4, a load balancer's IPv6) and the per-address IPv6
  // entries set inside a network, each with its PTR.
  std::vector<AddressPtr> addresses;
  // IPv6 networks ("2a01:4f8:c012:abcd::/64"): every address inside is owned.
  std::vector<std::string> networks;
};

struct Page {
  std::vector<Listed> items;
  std::optional<uint64_t> nextPage;  // meta.pagination.next_page; nullopt = last page
};

Result<Page> parsePage(Kind kind, const std::string& body);
// One resource as GET /{kind}/{id} answers: {"server": {...}}, {"primary_ip": ...}.
Result<Listed> parseOne(Kind kind, const std::string& body);

struct Action {
  uint64_t id = 0;
  std::string status;  // "running", "success", "error"
  std::string errorCode, errorMessage;
};

// {"action": {...}}
Result<Action> parseAction(const std::string& body);
// {"actions": [...]} as GET /actions?id=..&id=.. answers.
Result<std::vector<Action>> parseActions(const std::string& body);

// "code: message" from {"error": {"code", "message"}}; the body's start when it
// is not that shape (bounded, so a huge body cannot flood a log line).
std::string errorText(int httpCode, const std::string& body);
// The error's code ("invalid_input", "locked", ...) or "".
std::string errorCode(const std::string& body);

// Request body of change_dns_ptr: {"ip": ip, "dns_ptr": name without trailing dot | null}.
std::string changeBody(const std::string& ip, const std::string& hostname);

}  // namespace ptrd::providers::hetzner_cloud
