#include "providers/hetzner_cloud/hcloud_json.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/hostname.h"
#include "core/ip_address.h"

namespace ptrd::providers::hetzner_cloud {
namespace {

using Json = nlohmann::json;

// Thrown inside the parsers, turned into one Error at their edge.
struct Bad {
  std::string what;
};

const Json& field(const Json& obj, const char* key, const std::string& where) {
  if (!obj.is_object()) throw Bad{fmt::format("{} is not an object", where)};
  auto it = obj.find(key);
  if (it == obj.end()) throw Bad{fmt::format("{} has no \"{}\"", where, key)};
  return *it;
}

uint64_t idOf(const Json& obj, const std::string& where) {
  const Json& v = field(obj, "id", where);
  if (!v.is_number_unsigned()) throw Bad{fmt::format("{}.id is not a positive integer", where)};
  return v.get<uint64_t>();
}

std::string canonicalIp(const Json& v, const std::string& where) {
  if (!v.is_string()) throw Bad{fmt::format("{} is not a string", where)};
  auto ip = IpAddress::parse(v.get<std::string>());
  if (!ip) throw Bad{fmt::format("{} \"{}\" is not an IP address", where, v.get<std::string>())};
  return ip->str();
}

// A PTR as listed: a name, or null / "" for none.
std::string ptrOf(const Json& v, const std::string& where) {
  if (v.is_null()) return {};
  if (!v.is_string()) throw Bad{fmt::format("{} is not a string or null", where)};
  const std::string s = v.get<std::string>();
  return s.empty() ? s : canonicalName(s);
}

// "2a01:4f8::/64": canonical network text, only /64 as the API hands out.
std::string network(const Json& v, const std::string& where) {
  if (!v.is_string()) throw Bad{fmt::format("{} is not a string", where)};
  auto c = Cidr::parse(v.get<std::string>());
  if (!c || c->network.isV4() || c->prefix != 64)
    throw Bad{fmt::format("{} \"{}\" is not an IPv6 /64 network", where, v.get<std::string>())};
  return c->str();
}

// dns_ptr: [{ip, dns_ptr}, ...]
void ptrList(const Json& v, const std::string& where, std::vector<AddressPtr>& out) {
  if (!v.is_array()) throw Bad{fmt::format("{} is not an array", where)};
  for (size_t i = 0; i < v.size(); ++i) {
    const std::string w = fmt::format("{}[{}]", where, i);
    out.push_back({canonicalIp(field(v[i], "ip", w), w + ".ip"),
                   ptrOf(field(v[i], "dns_ptr", w), w + ".dns_ptr")});
  }
}

Listed server(const Json& s, const std::string& where) {
  Listed l{{Kind::kServer, idOf(s, where)}, {}, {}};
  const Json& net = field(s, "public_net", where);
  const std::string w = where + ".public_net";
  const Json& v4 = field(net, "ipv4", w);
  if (!v4.is_null()) {
    l.addresses.push_back({canonicalIp(field(v4, "ip", w + ".ipv4"), w + ".ipv4.ip"),
                           ptrOf(field(v4, "dns_ptr", w + ".ipv4"), w + ".ipv4.dns_ptr")});
  }
  const Json& v6 = field(net, "ipv6", w);
  if (!v6.is_null()) {
    l.networks.push_back(network(field(v6, "ip", w + ".ipv6"), w + ".ipv6.ip"));
    ptrList(field(v6, "dns_ptr", w + ".ipv6"), w + ".ipv6.dns_ptr", l.addresses);
  }
  return l;
}

// Primary and floating IPs: {id, type: ipv4|ipv6, ip, dns_ptr: [...]}.
Listed ipResource(Kind kind, const Json& r, const std::string& where) {
  Listed l{{kind, idOf(r, where)}, {}, {}};
  const Json& type = field(r, "type", where);
  if (type == "ipv6") {
    l.networks.push_back(network(field(r, "ip", where), where + ".ip"));
  } else if (type == "ipv4") {
    l.addresses.push_back({canonicalIp(field(r, "ip", where), where + ".ip"), {}});
  } else {
    throw Bad{fmt::format("{}.type is neither \"ipv4\" nor \"ipv6\"", where)};
  }
  std::vector<AddressPtr> ptrs;
  ptrList(field(r, "dns_ptr", where), where + ".dns_ptr", ptrs);
  if (type == "ipv4") {
    for (const auto& p : ptrs)
      if (p.ip == l.addresses[0].ip) l.addresses[0].ptr = p.ptr;
  } else {
    l.addresses = std::move(ptrs);
  }
  return l;
}

// Load balancers: public_net {ipv4: {ip, dns_ptr}, ipv6: {ip, dns_ptr}}, single addresses.
Listed loadBalancer(const Json& lb, const std::string& where) {
  Listed l{{Kind::kLoadBalancer, idOf(lb, where)}, {}, {}};
  const Json& net = field(lb, "public_net", where);
  for (const char* family : {"ipv4", "ipv6"}) {
    const std::string w = fmt::format("{}.public_net.{}", where, family);
    auto it = net.is_object() ? net.find(family) : net.end();
    if (it == net.end() || it->is_null()) continue;
    const Json& ip = field(*it, "ip", w);
    if (ip.is_null()) continue;  // a disabled public interface
    l.addresses.push_back(
        {canonicalIp(ip, w + ".ip"), ptrOf(field(*it, "dns_ptr", w), w + ".dns_ptr")});
  }
  return l;
}

}  // namespace

const char* kindPath(Kind k) {
  switch (k) {
    case Kind::kServer:
      return "servers";
    case Kind::kPrimaryIp:
      return "primary_ips";
    case Kind::kFloatingIp:
      return "floating_ips";
    case Kind::kLoadBalancer:
      return "load_balancers";
  }
  return "servers";
}

namespace {

const char* singular(Kind k) {
  switch (k) {
    case Kind::kServer:
      return "server";
    case Kind::kPrimaryIp:
      return "primary_ip";
    case Kind::kFloatingIp:
      return "floating_ip";
    case Kind::kLoadBalancer:
      return "load_balancer";
  }
  return "server";
}

Listed resource(Kind kind, const Json& item, const std::string& where) {
  switch (kind) {
    case Kind::kServer:
      return server(item, where);
    case Kind::kPrimaryIp:
    case Kind::kFloatingIp:
      return ipResource(kind, item, where);
    case Kind::kLoadBalancer:
      return loadBalancer(item, where);
  }
  throw Bad{"unknown resource kind"};
}

}  // namespace

Result<Listed> parseOne(Kind kind, const std::string& body) {
  const std::string what = fmt::format("Hetzner Cloud reading a {}", singular(kind));
  Json doc = Json::parse(body, nullptr, false);
  if (doc.is_discarded()) return Error::transient(what + ": the answer is not JSON");
  try {
    return resource(kind, field(doc, singular(kind), "the answer"), singular(kind));
  } catch (const Bad& b) {
    return Error::transient(fmt::format("{}: {}", what, b.what));
  }
}

Result<Page> parsePage(Kind kind, const std::string& body) {
  const std::string what = fmt::format("Hetzner Cloud listing {}", kindPath(kind));
  Json doc = Json::parse(body, nullptr, false);
  if (doc.is_discarded()) return Error::transient(what + ": the answer is not JSON");
  try {
    Page page;
    const Json& items = field(doc, kindPath(kind), "the answer");
    if (!items.is_array()) throw Bad{fmt::format("\"{}\" is not an array", kindPath(kind))};
    for (size_t i = 0; i < items.size(); ++i) {
      page.items.push_back(resource(kind, items[i], fmt::format("{}[{}]", kindPath(kind), i)));
    }
    const Json& p = field(field(doc, "meta", "the answer"), "pagination", "meta");
    const Json& next = field(p, "next_page", "meta.pagination");
    if (!next.is_null()) {
      if (!next.is_number_unsigned()) throw Bad{"meta.pagination.next_page is not a page number"};
      page.nextPage = next.get<uint64_t>();
    }
    return page;
  } catch (const Bad& b) {
    return Error::transient(fmt::format("{}: {}", what, b.what));
  }
}

namespace {

Action actionOf(const Json& a) {
  Action out;
  out.id = idOf(a, "action");
  const Json& status = field(a, "status", "action");
  if (!status.is_string() || (status != "running" && status != "success" && status != "error"))
    throw Bad{"action.status is not running, success or error"};
  out.status = status.get<std::string>();
  auto err = a.find("error");
  if (err != a.end() && err->is_object()) {
    auto code = err->find("code");
    auto message = err->find("message");
    if (code != err->end() && code->is_string()) out.errorCode = code->get<std::string>();
    if (message != err->end() && message->is_string())
      out.errorMessage = message->get<std::string>();
  }
  return out;
}

}  // namespace

Result<Action> parseAction(const std::string& body) {
  Json doc = Json::parse(body, nullptr, false);
  if (doc.is_discarded()) return Error::transient("Hetzner Cloud action: the answer is not JSON");
  try {
    return actionOf(field(doc, "action", "the answer"));
  } catch (const Bad& b) {
    return Error::transient("Hetzner Cloud action: " + b.what);
  }
}

Result<std::vector<Action>> parseActions(const std::string& body) {
  Json doc = Json::parse(body, nullptr, false);
  if (doc.is_discarded()) return Error::transient("Hetzner Cloud actions: the answer is not JSON");
  try {
    const Json& list = field(doc, "actions", "the answer");
    if (!list.is_array()) throw Bad{"\"actions\" is not an array"};
    std::vector<Action> out;
    for (const Json& a : list) out.push_back(actionOf(a));
    return out;
  } catch (const Bad& b) {
    return Error::transient("Hetzner Cloud actions: " + b.what);
  }
}

std::string errorCode(const std::string& body) {
  Json doc = Json::parse(body, nullptr, false);
  if (!doc.is_object()) return {};
  auto e = doc.find("error");
  if (e == doc.end() || !e->is_object()) return {};
  auto c = e->find("code");
  return c != e->end() && c->is_string() ? c->get<std::string>() : std::string();
}

std::string errorText(int httpCode, const std::string& body) {
  Json doc = Json::parse(body, nullptr, false);
  if (doc.is_object()) {
    auto e = doc.find("error");
    if (e != doc.end() && e->is_object()) {
      auto c = e->find("code");
      auto m = e->find("message");
      if (c != e->end() && c->is_string() && m != e->end() && m->is_string())
        return fmt::format("HTTP {} {}: {}", httpCode, c->get<std::string>(),
                           m->get<std::string>());
    }
  }
  return fmt::format("HTTP {}: {}", httpCode, body.substr(0, 200));
}

std::string changeBody(const std::string& ip, const std::string& hostname) {
  Json body = {{"ip", ip}, {"dns_ptr", nullptr}};
  if (!hostname.empty()) {
    std::string h = hostname;
    if (h.back() == '.') h.pop_back();  // the API stores names without the root dot
    body["dns_ptr"] = h;
  }
  return body.dump();
}

}  // namespace ptrd::providers::hetzner_cloud
