#include "providers/ovh/ovh_json.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/hostname.h"

namespace ptrd::providers::ovh {
namespace {

using nlohmann::json;

// Bound on the platform's words carried into logs and plans.
constexpr size_t kMaxMessage = 500;

Error malformed(const char* what, const std::string& why) {
  return Error::transient(fmt::format("OVH API: malformed {} ({})", what, why));
}

Result<json> parse(const char* what, const std::string& body) {
  try {
    return json::parse(body);
  } catch (const json::exception& e) {
    return malformed(what, e.what());
  }
}

std::string lowerCase(std::string s) {
  for (char& c : s) c = (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
  return s;
}

}  // namespace

Result<int64_t> parseTime(const std::string& body) {
  auto j = parse("time", body);
  if (!j) return j.error();
  if (!j->is_number_integer() || j->get<int64_t>() <= 0)
    return malformed("time", "not a positive whole number");
  return j->get<int64_t>();
}

Result<std::vector<Cidr>> parseBlocks(const std::string& body, size_t maxBlocks) {
  auto j = parse("list of blocks", body);
  if (!j) return j.error();
  if (!j->is_array()) return malformed("list of blocks", "not a list");
  if (j->size() > maxBlocks)
    return Error::permanent(fmt::format(
        "OVH API listing blocks: more than {} blocks (the bound on one inventory)", maxBlocks));
  std::vector<Cidr> out;
  for (const auto& item : *j) {
    if (!item.is_string()) return malformed("list of blocks", "an item is not a string");
    auto cidr = Cidr::parse(lowerCase(item.get<std::string>()));
    if (!cidr) return malformed("list of blocks", "block: " + cidr.error().message);
    out.push_back(*cidr);
  }
  return out;
}

Result<std::vector<IpAddress>> parseReverseList(const std::string& body, const Cidr& block,
                                                size_t maxItems) {
  auto j = parse("list of reverses", body);
  if (!j) return j.error();
  if (!j->is_array()) return malformed("list of reverses", "not a list");
  if (j->size() > maxItems)
    return Error::permanent(fmt::format(
        "OVH API listing reverses of {}: more than {} entries (the bound on one inventory)",
        block.str(), maxItems));
  std::vector<IpAddress> out;
  for (const auto& item : *j) {
    if (!item.is_string()) return malformed("list of reverses", "an item is not a string");
    auto ip = IpAddress::parse(lowerCase(item.get<std::string>()));
    if (!ip) return malformed("list of reverses", "address: " + ip.error().message);
    if (!blockContains(block, *ip))
      return malformed("list of reverses", fmt::format("{} is outside {}", ip->str(), block.str()));
    out.push_back(*ip);
  }
  return out;
}

Result<ReverseEntry> parseReverse(const std::string& body) {
  auto j = parse("reverse", body);
  if (!j) return j.error();
  if (!j->is_object()) return malformed("reverse", "not an object");
  auto ip = j->find("ipReverse");
  auto reverse = j->find("reverse");
  if (ip == j->end() || !ip->is_string() || reverse == j->end() || !reverse->is_string())
    return malformed("reverse", "\"ipReverse\" or \"reverse\" is not a string");
  auto addr = IpAddress::parse(lowerCase(ip->get<std::string>()));
  if (!addr) return malformed("reverse", "ipReverse: " + addr.error().message);
  std::string name = canonicalDnsName(reverse->get<std::string>());
  if (name.empty()) return malformed("reverse", "\"reverse\" is empty");
  return ReverseEntry{addr->str(), name};
}

std::string reverseBody(const Change& change) {
  // OVH writes and shows names with the trailing dot.
  std::string name = change.hostname;
  if (!name.empty() && name.back() != '.') name += '.';
  return json{{"ipReverse", change.ip}, {"reverse", name}}.dump();
}

OvhError parseError(int httpCode, const std::string& body) {
  OvhError e;
  try {
    auto j = json::parse(body);
    if (j.is_object()) {
      if (auto c = j.find("errorCode"); c != j.end() && c->is_string())
        e.errorCode = c->get<std::string>().substr(0, 100);
      if (auto m = j.find("message"); m != j.end() && m->is_string()) {
        e.message = m->get<std::string>();
        if (e.message.size() > kMaxMessage) e.message = e.message.substr(0, kMaxMessage) + "...";
      }
    }
  } catch (const json::exception&) {
  }
  if (e.message.empty()) e.message = fmt::format("HTTP {}", httpCode);
  return e;
}

bool isAuthError(int httpCode, const OvhError& e) {
  if (httpCode == 401 || httpCode == 403) return true;
  // OVH answers a bad signature with 400 INVALID_SIGNATURE: not a bad value.
  return e.errorCode == "INVALID_SIGNATURE" || e.errorCode == "INVALID_CREDENTIAL" ||
         e.errorCode == "NOT_CREDENTIAL" || e.errorCode == "INVALID_KEY" ||
         e.errorCode == "NOT_GRANTED_CALL" || e.errorCode == "FORBIDDEN";
}

bool isTimeError(const OvhError& e) {
  return e.errorCode == "QUERY_TIME_OUT" || e.message == "Query out of time";
}

bool isForwardRefusal(const std::string& message) {
  return message.find(" does not resolve to ") != std::string::npos ||
         message.starts_with("Cannot check if ");
}

bool blockContains(const Cidr& block, const IpAddress& ip) {
  if (ip.family() != block.network.family()) return false;
  const auto& a = ip.bytes();
  const auto& b = block.network.bytes();
  for (int bit = 0; bit < block.prefix; ++bit) {
    unsigned char mask = static_cast<unsigned char>(0x80 >> (bit % 8));
    if ((a[size_t(bit / 8)] & mask) != (b[size_t(bit / 8)] & mask)) return false;
  }
  return true;
}

}  // namespace ptrd::providers::ovh
