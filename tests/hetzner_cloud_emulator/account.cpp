#include "tests/hetzner_cloud_emulator/account.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

namespace ptrd::hcloud_emulator {

using Json = nlohmann::json;

const char* plural(Kind k) {
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

std::optional<Kind> kindOf(const std::string& p) {
  for (Kind k : {Kind::kServer, Kind::kPrimaryIp, Kind::kFloatingIp, Kind::kLoadBalancer})
    if (p == plural(k)) return k;
  return std::nullopt;
}

std::string defaultPtr(const IpAddress& v4) {
  const auto& b = v4.bytes();
  return fmt::format("static.{}.{}.{}.{}.clients.your-server.de", b[3], b[2], b[1], b[0]);
}

bool Resource::holds(const IpAddress& ip) const {
  if (ipv4 && *ipv4 == ip) return true;
  if (ipv6One && *ipv6One == ip) return true;
  if (ipv6Net && !ip.isV4())
    return std::equal(ip.bytes().begin(), ip.bytes().begin() + 8, ipv6Net->network.bytes().begin());
  return false;
}

std::string Resource::ptrOf(const IpAddress& ip) const {
  if (auto it = custom.find(ip); it != custom.end()) return it->second;
  return ip.isV4() ? defaultPtr(ip) : std::string();
}

namespace {

Json ptrEntries(const Resource& r) {
  Json list = Json::array();
  if (r.ipv4) list.push_back({{"ip", r.ipv4->str()}, {"dns_ptr", r.ptrOf(*r.ipv4)}});
  for (const auto& [ip, name] : r.custom)
    if (!ip.isV4()) list.push_back({{"ip", ip.str()}, {"dns_ptr", name}});
  return list;
}

Json nullable(const std::string& s) {
  return s.empty() ? Json(nullptr) : Json(s);
}

}  // namespace

Json Resource::toJson() const {
  const std::string name = fmt::format("{}-{}", singular(kind), id);
  switch (kind) {
    case Kind::kServer: {
      Json v6 = nullptr;
      if (ipv6Net) {
        Json entries = Json::array();
        for (const auto& [ip, n] : custom)
          if (!ip.isV4()) entries.push_back({{"ip", ip.str()}, {"dns_ptr", n}});
        v6 = {
            {"id", id * 10 + 2}, {"ip", ipv6Net->str()}, {"blocked", false}, {"dns_ptr", entries}};
      }
      Json v4 = nullptr;
      if (ipv4)
        v4 = {{"id", id * 10 + 1},
              {"ip", ipv4->str()},
              {"blocked", false},
              {"dns_ptr", ptrOf(*ipv4)}};
      return {{"id", id},
              {"name", name},
              {"status", "running"},
              {"public_net", {{"ipv4", v4}, {"ipv6", v6}, {"floating_ips", Json::array()}}}};
    }
    case Kind::kPrimaryIp:
    case Kind::kFloatingIp:
      return {{"id", id},
              {"name", name},
              {"type", ipv4 ? "ipv4" : "ipv6"},
              {"ip", ipv4 ? ipv4->str() : ipv6Net->str()},
              {"blocked", false},
              {"dns_ptr", ptrEntries(*this)}};
    case Kind::kLoadBalancer: {
      Json net = {{"enabled", true}};
      net["ipv4"] = ipv4 ? Json{{"ip", ipv4->str()}, {"dns_ptr", nullable(ptrOf(*ipv4))}}
                         : Json{{"ip", nullptr}, {"dns_ptr", nullptr}};
      net["ipv6"] = ipv6One ? Json{{"ip", ipv6One->str()}, {"dns_ptr", nullable(ptrOf(*ipv6One))}}
                            : Json{{"ip", nullptr}, {"dns_ptr", nullptr}};
      return {{"id", id}, {"name", name}, {"public_net", net}};
    }
  }
  return Json::object();
}

Resource* Account::find(Kind kind, uint64_t id) {
  for (auto& r : resources_)
    if (r.kind == kind && r.id == id) return &r;
  return nullptr;
}

std::vector<const Resource*> Account::ofKind(Kind kind) const {
  std::vector<const Resource*> out;
  for (const auto& r : resources_)
    if (r.kind == kind) out.push_back(&r);
  return out;
}

Result<Account> Account::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error::permanent("cannot read account file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  Json doc = Json::parse(ss.str(), nullptr, false);
  if (!doc.is_object()) return Error::permanent(path + ": not a JSON object");
  Account a;
  try {
    for (Kind k : {Kind::kServer, Kind::kPrimaryIp, Kind::kFloatingIp, Kind::kLoadBalancer}) {
      const Json list = doc.contains(plural(k)) ? doc[plural(k)] : Json::array();
      if (!list.is_array()) throw std::runtime_error(std::string(plural(k)) + " is not an array");
      for (const Json& j : list) {
        Resource r;
        r.kind = k;
        r.id = j.at("id").get<uint64_t>();
        auto ip = [](const Json& v) {
          auto p = IpAddress::parse(v.get<std::string>());
          if (!p) throw std::runtime_error("bad address " + v.dump());
          return *p;
        };
        auto net = [](const Json& v) {
          auto c = Cidr::parse(v.get<std::string>());
          if (!c || c->prefix != 64) throw std::runtime_error("bad /64 " + v.dump());
          return *c;
        };
        if (k == Kind::kPrimaryIp || k == Kind::kFloatingIp) {
          if (j.at("type") == "ipv4")
            r.ipv4 = ip(j.at("ip"));
          else
            r.ipv6Net = net(j.at("ip"));
        } else {
          if (j.contains("ipv4")) r.ipv4 = ip(j["ipv4"]);
          if (j.contains("ipv6")) {
            if (k == Kind::kServer)
              r.ipv6Net = net(j["ipv6"]);
            else
              r.ipv6One = ip(j["ipv6"]);
          }
        }
        const Json ptrs = j.contains("dns_ptr") ? j["dns_ptr"] : Json::object();
        for (const auto& [text, name] : ptrs.items()) {
          IpAddress addr = ip(Json(text));
          if (!r.holds(addr)) throw std::runtime_error(text + " is not on " + singular(k));
          r.custom[addr] = name.get<std::string>();
        }
        a.resources_.push_back(std::move(r));
      }
    }
  } catch (const std::exception& e) {
    return Error::permanent(fmt::format("{}: {}", path, e.what()));
  }
  return a;
}

}  // namespace ptrd::hcloud_emulator
