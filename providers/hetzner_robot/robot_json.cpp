#include "providers/hetzner_robot/robot_json.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/hostname.h"
#include "core/ip_address.h"
#include "providers/http/http_client.h"

namespace ptrd::providers::hetzner_robot {
namespace {

using nlohmann::json;

Error malformed(const char* what, const std::string& why) {
  return Error::transient(fmt::format("Hetzner Robot API: malformed {} ({})", what, why));
}

// Every element of a list is {"<key>": {...}}; the inner objects, or an error.
Result<std::vector<json>> unwrapList(const std::string& body, const char* key, const char* what) {
  json j;
  try {
    j = json::parse(body);
  } catch (const json::exception& e) {
    return malformed(what, e.what());
  }
  if (!j.is_array()) return malformed(what, "not a list");
  std::vector<json> out;
  for (auto& item : j) {
    if (!item.is_object() || !item.contains(key) || !item[key].is_object())
      return malformed(what, fmt::format("an item is not {{\"{}\": {{...}}}}", key));
    out.push_back(std::move(item[key]));
  }
  return out;
}

Result<std::string> canonicalIp(const json& o, const char* key, const char* what) {
  auto it = o.find(key);
  if (it == o.end() || !it->is_string()) return malformed(what, fmt::format("no \"{}\"", key));
  auto ip = IpAddress::parse(it->get<std::string>());
  if (!ip) return malformed(what, fmt::format("\"{}\": {}", key, ip.error().message));
  return ip->str();
}

Result<RdnsEntry> entryOf(const json& o) {
  auto ip = canonicalIp(o, "ip", "rDNS entry");
  if (!ip) return ip.error();
  auto ptr = o.find("ptr");
  if (ptr == o.end() || !(ptr->is_string() || ptr->is_null()))
    return malformed("rDNS entry", "no \"ptr\"");
  return RdnsEntry{*ip, ptr->is_null() ? std::string() : canonicalDnsName(ptr->get<std::string>())};
}

}  // namespace

Result<std::vector<RobotIp>> parseIps(const std::string& body) {
  auto items = unwrapList(body, "ip", "list of IPs");
  if (!items) return items.error();
  std::vector<RobotIp> out;
  for (const auto& o : *items) {
    auto ip = canonicalIp(o, "ip", "list of IPs");
    if (!ip) return ip.error();
    RobotIp r{*ip, false};
    auto server = o.find("server_ip");
    if (server != o.end() && server->is_string()) {
      auto s = IpAddress::parse(server->get<std::string>());
      r.mainIp = s && s->str() == *ip;
    }
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<RobotSubnet>> parseSubnets(const std::string& body) {
  auto items = unwrapList(body, "subnet", "list of subnets");
  if (!items) return items.error();
  std::vector<RobotSubnet> out;
  for (const auto& o : *items) {
    auto ip = canonicalIp(o, "ip", "list of subnets");
    if (!ip) return ip.error();
    auto mask = o.find("mask");
    int m = -1;
    // Robot writes the mask as a number, some clients' fixtures as a string.
    if (mask != o.end() && mask->is_number_unsigned()) m = mask->get<int>();
    if (mask != o.end() && mask->is_string()) {
      const std::string t = mask->get<std::string>();
      if (!t.empty() && t.size() <= 3 && t.find_first_not_of("0123456789") == std::string::npos)
        m = std::stoi(t);
    }
    bool v6 = ip->find(':') != std::string::npos;
    if (m < 0 || m > (v6 ? 128 : 32))
      return malformed("list of subnets", fmt::format("{} has no valid mask", *ip));
    out.push_back({*ip, m});
  }
  return out;
}

Result<std::vector<RdnsEntry>> parseRdnsList(const std::string& body) {
  auto items = unwrapList(body, "rdns", "list of rDNS entries");
  if (!items) return items.error();
  std::vector<RdnsEntry> out;
  for (const auto& o : *items) {
    auto e = entryOf(o);
    if (!e) return e.error();
    out.push_back(std::move(*e));
  }
  return out;
}

Result<RdnsEntry> parseRdns(const std::string& body) {
  try {
    auto j = json::parse(body);
    if (!j.is_object() || !j.contains("rdns") || !j["rdns"].is_object())
      return malformed("rDNS entry", "not {\"rdns\": {...}}");
    return entryOf(j["rdns"]);
  } catch (const json::exception& e) {
    return malformed("rDNS entry", e.what());
  }
}

RobotError parseError(int httpCode, const std::string& body) {
  try {
    auto j = json::parse(body);
    const auto& e = j.at("error");
    RobotError out{e.at("code").get<std::string>(), ""};
    out.message = out.code;
    if (e.contains("message") && e["message"].is_string())
      out.message += ": " + e["message"].get<std::string>();
    for (const char* list : {"invalid", "missing"}) {
      if (!e.contains(list) || !e[list].is_array() || e[list].empty()) continue;
      std::string names;
      for (const auto& n : e[list])
        if (n.is_string()) names += (names.empty() ? "" : ", ") + n.get<std::string>();
      out.message += fmt::format(" ({}: {})", list, names);
    }
    if (out.message.size() > 500) out.message = out.message.substr(0, 500) + "...";
    return out;
  } catch (const json::exception&) {
    return {"", fmt::format("HTTP {}", httpCode)};
  }
}

std::string mainIpDefault(const std::string& canonicalIp) {
  auto ip = IpAddress::parse(canonicalIp);
  if (!ip || !ip->isV4()) return {};
  const auto& b = ip->bytes();
  return fmt::format("static.{}.{}.{}.{}.clients.your-server.de.", b[3], b[2], b[1], b[0]);
}

std::string ptrForm(const std::string& hostname) {
  std::string name = hostname;
  if (!name.empty() && name.back() == '.') name.pop_back();
  return "ptr=" + http::urlEncode(name);
}

std::string base64(const std::string& text) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < text.size(); i += 3) {
    uint32_t v = uint32_t(uint8_t(text[i])) << 16 | uint32_t(uint8_t(text[i + 1])) << 8 |
                 uint8_t(text[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
  }
  if (i + 1 == text.size()) {
    uint32_t v = uint32_t(uint8_t(text[i])) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == text.size()) {
    uint32_t v = uint32_t(uint8_t(text[i])) << 16 | uint32_t(uint8_t(text[i + 1])) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

}  // namespace ptrd::providers::hetzner_robot
