#include "providers/vultr/vultr_json.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/hostname.h"

namespace ptrd::providers::vultr {
namespace {

using nlohmann::json;

// Longest cursor and instance id taken: both go back into URLs.
constexpr size_t kMaxCursor = 1024;
constexpr size_t kMaxId = 64;

struct Bad {
  std::string why;
};

Error malformed(const char* what, const std::string& why) {
  return Error::transient(fmt::format("Vultr API: malformed {} ({})", what, why));
}

std::string lowerCase(std::string s) {
  for (char& c : s) c = (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
  return s;
}

const json& member(const json& j, const char* key, bool (json::*is)() const noexcept,
                   const char* kind) {
  auto it = j.find(key);
  if (it == j.end() || !((*it).*is)()) throw Bad{fmt::format("\"{}\" is not {}", key, kind)};
  return *it;
}

std::string stringAt(const json& j, const char* key) {
  return member(j, key, &json::is_string, "a string").get<std::string>();
}

json document(const std::string& body) {
  json j;
  try {
    j = json::parse(body);
  } catch (const json::exception& e) {
    throw Bad{e.what()};
  }
  if (!j.is_object()) throw Bad{"not an object"};
  return j;
}

std::string nextCursor(const json& j) {
  const json& meta = member(j, "meta", &json::is_object, "an object");
  const json& links = member(meta, "links", &json::is_object, "an object");
  std::string next = stringAt(links, "next");
  if (next.size() > kMaxCursor) throw Bad{"meta.links.next is too long"};
  return next;
}

Listed listed(const json& item) {
  if (!item.is_object()) throw Bad{"an item is not an object"};
  auto ip = IpAddress::parse(lowerCase(stringAt(item, "ip")));
  if (!ip) throw Bad{"ip: " + ip.error().message};
  auto reverse = item.find("reverse");
  if (reverse == item.end() || !(reverse->is_string() || reverse->is_null()))
    throw Bad{fmt::format("{} has no \"reverse\" string", ip->str())};
  std::string name = reverse->is_null() ? "" : reverse->get<std::string>();
  return {*ip, name.empty() ? "" : canonicalDnsName(name)};
}

template <typename F>
auto parsed(const char* what, F f) -> Result<decltype(f())> {
  try {
    return f();
  } catch (const Bad& b) {
    return malformed(what, b.why);
  } catch (const json::exception& e) {
    return malformed(what, e.what());
  }
}

}  // namespace

std::string defaultPtrFor(const IpAddress& ip) {
  if (!ip.isV4()) return {};
  return ip.str() + ".vultrusercontent.com.";
}

bool isPlatformDefault(const IpAddress& ip, const std::string& canonicalPtr) {
  return ip.isV4() &&
         (canonicalPtr == defaultPtrFor(ip) || canonicalPtr == ip.str() + ".vultr.com.");
}

Result<Page<Instance>> parseInstances(const std::string& body) {
  return parsed("list of instances", [&] {
    json j = document(body);
    Page<Instance> page;
    for (const auto& item : member(j, "instances", &json::is_array, "a list")) {
      if (!item.is_object()) throw Bad{"an instance is not an object"};
      Instance in;
      in.id = stringAt(item, "id");
      if (in.id.empty() || in.id.size() > kMaxId ||
          in.id.find_first_not_of("0123456789abcdefABCDEF-") != std::string::npos)
        throw Bad{"an instance id is not a UUID"};
      // Instances without IPv6 show "" (and size 0); absent fields are the same.
      std::string net = item.contains("v6_network") ? stringAt(item, "v6_network") : "";
      if (!net.empty()) {
        auto size = item.find("v6_network_size");
        if (size == item.end() || !size->is_number_unsigned() || size->get<uint64_t>() < 16 ||
            size->get<uint64_t>() > 128)
          throw Bad{fmt::format("instance {}: \"v6_network_size\" is not 16..128", in.id)};
        auto cidr = Cidr::parse(fmt::format("{}/{}", lowerCase(net), size->get<uint64_t>()));
        if (!cidr)
          throw Bad{fmt::format("instance {}: v6_network: {}", in.id, cidr.error().message)};
        if (cidr->network.isV4()) throw Bad{fmt::format("instance {}: v6_network is IPv4", in.id)};
        in.v6Network = *cidr;
      }
      page.items.push_back(std::move(in));
    }
    page.next = nextCursor(j);
    return page;
  });
}

Result<Page<Listed>> parseIpv4s(const std::string& body) {
  return parsed("list of IPv4 addresses", [&] {
    json j = document(body);
    Page<Listed> page;
    for (const auto& item : member(j, "ipv4s", &json::is_array, "a list")) {
      page.items.push_back(listed(item));
      if (!page.items.back().ip.isV4()) throw Bad{"an ipv4s item is not IPv4"};
    }
    page.next = nextCursor(j);
    return page;
  });
}

Result<std::vector<Listed>> parseIpv6Reverses(const std::string& body) {
  return parsed("list of IPv6 reverses", [&] {
    json j = document(body);
    std::vector<Listed> out;
    for (const auto& item : member(j, "reverse_ipv6s", &json::is_array, "a list")) {
      out.push_back(listed(item));
      if (out.back().ip.isV4()) throw Bad{"a reverse_ipv6s item is not IPv6"};
    }
    return out;
  });
}

std::string reverseBody(const IpAddress& ip, const std::string& hostname) {
  json j = {{"ip", ip.expandedStr()}};
  if (!hostname.empty()) {
    std::string name = hostname;
    if (name.back() == '.') name.pop_back();
    j["reverse"] = name;
  }
  return j.dump();
}

std::string errorText(int httpCode, const std::string& body) {
  try {
    auto j = json::parse(body);
    if (j.is_object() && j.contains("error") && j["error"].is_string()) {
      std::string out = j["error"].get<std::string>();
      // The platform's words, bounded: they end up in logs and plans.
      if (out.size() > 500) out = out.substr(0, 500) + "...";
      if (!out.empty()) return out;
    }
  } catch (const json::exception&) {
  }
  return fmt::format("HTTP {}", httpCode);
}

}  // namespace ptrd::providers::vultr
