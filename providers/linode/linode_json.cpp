#include "providers/linode/linode_json.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <optional>

#include "core/hostname.h"
#include "core/ip_address.h"

namespace ptrd::providers::linode {
namespace {

using nlohmann::json;

Error malformed(const char* what, const std::string& why) {
  return Error::transient(fmt::format("Linode API: malformed {} ({})", what, why));
}

std::string lowerCase(std::string s) {
  for (char& c : s) c = (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
  return s;
}

// A whole number >= 0 that fits size_t, else nullopt.
std::optional<size_t> count(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_unsigned()) return std::nullopt;
  return it->get<size_t>();
}

// Linode's list envelope: {"data": [...], "page", "pages", "results"}.
struct ListPage {
  json data;
  size_t page = 0;
  size_t pages = 0;
};

Result<ListPage> parseListPage(const std::string& body, const char* what) {
  json j;
  try {
    j = json::parse(body);
  } catch (const json::exception& e) {
    return malformed(what, e.what());
  }
  if (!j.is_object()) return malformed(what, "not an object");
  auto data = j.find("data");
  if (data == j.end() || !data->is_array()) return malformed(what, "\"data\" is not a list");
  auto page = count(j, "page");
  auto pages = count(j, "pages");
  if (!page || !pages) return malformed(what, "\"page\" or \"pages\" is not a number");
  return ListPage{std::move(*data), *page, *pages};
}

}  // namespace

std::string defaultPtrFor(const std::string& canonicalIp) {
  if (canonicalIp.find(':') != std::string::npos) return {};
  std::string dashed = canonicalIp;
  for (char& c : dashed) c = c == '.' ? '-' : c;
  return dashed + ".ip.linodeusercontent.com.";
}

Result<IpsPage> parseIpsPage(const std::string& body) {
  auto list = parseListPage(body, "list of addresses");
  if (!list) return list.error();
  IpsPage out;
  out.page = list->page;
  out.pages = list->pages;
  for (const auto& item : list->data) {
    if (!item.is_object()) return malformed("list of addresses", "an item is not an object");
    auto address = item.find("address");
    if (address == item.end() || !address->is_string())
      return malformed("list of addresses", "an item has no \"address\"");
    auto pub = item.find("public");
    if (pub != item.end() && pub->is_boolean() && !pub->get<bool>())
      continue;  // private: not ours to name
    auto ip = IpAddress::parse(lowerCase(address->get<std::string>()));
    if (!ip) return malformed("list of addresses", "address: " + ip.error().message);
    auto rdns = item.find("rdns");
    if (rdns == item.end() || !(rdns->is_null() || rdns->is_string()))
      return malformed("list of addresses",
                       fmt::format("{} has no \"rdns\" string or null", ip->str()));
    OwnedAddress a;
    a.ip = ip->str();
    a.ptr = rdns->is_null() ? std::string() : canonicalDnsName(rdns->get<std::string>());
    a.defaultPtr = defaultPtrFor(a.ip);
    // Accounts from before the linodeusercontent.com names still show the old
    // li*.members.linode.com defaults: the platform's, not a user's.
    bool oldDefault = a.ptr.ends_with(".members.linode.com.");
    if (oldDefault) a.defaultPtr = a.ptr;
    a.custom = !a.ptr.empty() && a.ptr != a.defaultPtr;
    out.items.push_back(std::move(a));
  }
  return out;
}

std::optional<std::string> ip6Zone(const IpAddress& base, int prefix) {
  if (base.isV4() || prefix < 4 || prefix > 128 || prefix % 4 != 0) return std::nullopt;
  // reverseName() is 32 two-character labels ("n.") then "ip6.arpa.", the
  // lowest nibble first: the zone drops the labels past the prefix.
  return base.reverseName().substr(size_t(2 * (32 - prefix / 4)));
}

Result<RangesPage> parseRangesPage(const std::string& body) {
  auto list = parseListPage(body, "list of IPv6 ranges");
  if (!list) return list.error();
  RangesPage out;
  out.page = list->page;
  out.pages = list->pages;
  for (const auto& item : list->data) {
    if (!item.is_object()) return malformed("list of IPv6 ranges", "an item is not an object");
    auto range = item.find("range");
    auto prefix = count(item, "prefix");
    if (range == item.end() || !range->is_string() || !prefix || *prefix > 128)
      return malformed("list of IPv6 ranges", "an item has no \"range\" and \"prefix\"");
    auto base = IpAddress::parse(lowerCase(range->get<std::string>()));
    if (!base || base->isV4())
      return malformed("list of IPv6 ranges",
                       "range: " + (base ? std::string("not IPv6") : base.error().message));
    if (auto zone = ip6Zone(*base, int(*prefix))) out.zones.push_back(std::move(*zone));
  }
  return out;
}

Result<std::string> parseRdns(const std::string& body) {
  try {
    auto j = json::parse(body);
    const auto& rdns = j.at("rdns");
    if (rdns.is_null()) return std::string();
    if (!rdns.is_string()) return malformed("address", "\"rdns\" is not a string");
    return canonicalDnsName(rdns.get<std::string>());
  } catch (const json::exception& e) {
    return malformed("address", e.what());
  }
}

std::string rdnsBody(const Change& change) {
  if (change.action == Change::Action::kReset) return R"({"rdns":null})";
  std::string name = change.hostname;
  if (!name.empty() && name.back() == '.') name.pop_back();
  return json{{"rdns", name}}.dump();
}

std::string errorText(int httpCode, const std::string& body) {
  try {
    auto j = json::parse(body);
    std::string out;
    for (const auto& e : j.at("errors")) {
      if (!e.is_object() || !e.contains("reason") || !e["reason"].is_string()) continue;
      if (!out.empty()) out += "; ";
      out += e["reason"].get<std::string>();
    }
    // The platform's words, bounded: they end up in logs and plans.
    if (out.size() > 500) out = out.substr(0, 500) + "...";
    if (!out.empty()) return out;
  } catch (const json::exception&) {
  }
  return fmt::format("HTTP {}", httpCode);
}

bool isForwardRefusal(const std::string& reasons) {
  // "No match was found for 'x'. Reverse DNS must have a matching forward entry."
  // "We were unable to preform a lookup for 'x' at this time." (sic; "perform" too)
  return reasons.find("matching forward entry") != std::string::npos ||
         reasons.find("unable to preform a lookup") != std::string::npos ||
         reasons.find("unable to perform a lookup") != std::string::npos;
}

}  // namespace ptrd::providers::linode
