#include "providers/powerdns/powerdns_provider.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/hostname.h"
#include "core/range_template.h"
#include "providers/powerdns/powerdns_json.h"

namespace ptrd::providers::powerdns {
namespace {

using nlohmann::json;

// PowerDNS answers errors as {"error": "..."}; fall back to the status code.
std::string apiMessage(const http::Response& r) {
  try {
    auto j = json::parse(r.body);
    if (j.is_object() && j.contains("error") && j["error"].is_string())
      return fmt::format("HTTP {}: {}", r.code, j["error"].get<std::string>());
  } catch (const json::exception&) {
  }
  return fmt::format("HTTP {}", r.code);
}

// Classifies a response that is not the expected success.
Error responseError(const std::string& what, const http::Response& r) {
  std::string msg = fmt::format("PowerDNS {}: {}", what, apiMessage(r));
  if (r.code == 401 || r.code == 403)
    return Error::auth(
        fmt::format("PowerDNS {}: the server refused the API key ({})", what, apiMessage(r)));
  if (r.code == 429) return Error::rateLimited(msg);
  if (r.code >= 500) return Error::transient(msg);
  return Error::permanent(msg);
}

}  // namespace

PowerDnsProvider::PowerDnsProvider(PowerDnsOptions options, std::unique_ptr<http::Client> client)
    : options_(std::move(options)), client_(std::move(client)) {
  if (options_.batchSize == 0) options_.batchSize = 500;
}

Result<http::Response> PowerDnsProvider::call(const std::string& operation,
                                              const std::string& method, const std::string& path,
                                              std::string body) {
  http::Request req;
  req.operation = operation;
  req.method = method;
  req.url = http::joinUrl(options_.url, path);
  req.headers = {{"X-API-Key", options_.apiKey}, {"Accept", "application/json"}};
  if (!body.empty()) req.headers.emplace_back("Content-Type", "application/json");
  req.body = std::move(body);
  return client_->send(req);
}

Result<std::vector<PowerDnsProvider::Zone>> PowerDnsProvider::reverseZones() {
  auto r = call("list_zones", "GET", fmt::format("/api/v1/servers/{}/zones", options_.serverId));
  if (!r) return r.error();
  if (r->code != 200) return responseError("listing zones", *r);
  auto parsed = parseReverseZones(r->body);
  if (!parsed)
    return Error::transient(fmt::format("PowerDNS listing zones: {}", parsed.error().message));
  if (parsed->size() > options_.maxZones) {
    return Error::permanent(
        fmt::format("PowerDNS listing zones: {} reverse zones, more than {} (the bound "
                    "on one inventory)",
                    parsed->size(), options_.maxZones));
  }
  std::vector<Zone> zones;
  for (auto& z : *parsed) zones.push_back({std::move(z.name), std::move(z.id)});
  return zones;
}

Result<std::string> PowerDnsProvider::defaultPtrFor(const IpAddress& address) const {
  if (options_.defaultTemplate.empty()) return std::string();
  auto ptr = renderNameTemplate(options_.defaultTemplate, address);
  if (!ptr)
    return Error::permanent(fmt::format("PowerDNS defaultTemplate: {}", ptr.error().message));
  return ptr;
}

Result<Inventory> PowerDnsProvider::inventory() {
  auto zones = reverseZones();
  if (!zones) return zones.error();
  Inventory inv;
  // Sorted by address (IPv4 first) so the inventory does not depend on the
  // server's rrset order.
  std::vector<std::pair<IpAddress, OwnedAddress>> found;
  for (const Zone& zone : *zones) {
    inv.ownedZones.push_back(zone.name);
    auto r = call(
        "get_zone", "GET",
        fmt::format("/api/v1/servers/{}/zones/{}", options_.serverId, http::urlEncode(zone.id)));
    if (!r) return r.error();
    if (r->code != 200) return responseError(fmt::format("reading zone {}", zone.name), *r);
    auto ptrs = parseZonePtrs(r->body);
    if (!ptrs) {
      return Error::transient(
          fmt::format("PowerDNS reading zone {}: {}", zone.name, ptrs.error().message));
    }
    if (ptrs->size() > options_.maxItems - found.size()) {
      return Error::permanent(
          fmt::format("PowerDNS reading zone {}: more than {} PTR records (the bound on "
                      "one inventory)",
                      zone.name, options_.maxItems));
    }
    for (auto& p : *ptrs) {
      OwnedAddress a;
      a.ip = p.address.str();
      a.ptr = std::move(p.ptr);
      // A template that cannot name this address (e.g. {hex} on IPv4) fails the
      // inventory: without the default, every record would look custom.
      auto defaultPtr = defaultPtrFor(p.address);
      if (!defaultPtr) return defaultPtr.error();
      a.defaultPtr = std::move(*defaultPtr);
      a.custom = !a.ptr.empty() && a.ptr != a.defaultPtr;
      found.emplace_back(p.address, std::move(a));
    }
  }
  // IpAddress orders IPv4 before IPv6, then by bytes.
  std::sort(found.begin(), found.end(),
            [](const auto& x, const auto& y) { return x.first < y.first; });
  for (auto& entry : found) inv.addresses.push_back(std::move(entry.second));
  return inv;
}

Result<std::vector<ChangeResult>> PowerDnsProvider::apply(const std::vector<Change>& batch) {
  std::vector<ChangeResult> results(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) results[i].ip = batch[i].ip;
  auto zones = reverseZones();
  if (!zones) return zones.error();

  // Group by the longest zone that contains the name, keeping first-seen order so
  // requests are deterministic for a given batch.
  std::vector<std::pair<size_t, std::vector<size_t>>> groups;
  for (size_t i = 0; i < batch.size(); ++i) {
    std::string owner = canonicalDnsName(batch[i].reverseName);
    auto address = IpAddress::fromReverseName(owner);
    if (!address) {
      results[i].status = ChangeResult::Status::kInvalid;
      results[i].reason =
          fmt::format("\"{}\" is not a reverse DNS name of an address", batch[i].reverseName);
      continue;
    }
    // A reset the template cannot name is refused here, so patch() never sends one.
    if (batch[i].action != Change::Action::kSet) {
      if (auto d = defaultPtrFor(*address); !d) {
        results[i].status = ChangeResult::Status::kInvalid;
        results[i].reason = d.error().message;
        continue;
      }
    }
    std::optional<size_t> best;
    for (size_t z = 0; z < zones->size(); ++z) {
      if (isUnderZone(owner, (*zones)[z].name) &&
          (!best || (*zones)[z].name.size() > (*zones)[*best].name.size()))
        best = z;
    }
    if (!best) {
      results[i].status = ChangeResult::Status::kNotYours;
      results[i].reason = fmt::format("no reverse zone on the PowerDNS server contains {}", owner);
      continue;
    }
    auto g =
        std::find_if(groups.begin(), groups.end(), [&](const auto& p) { return p.first == *best; });
    if (g == groups.end()) g = groups.insert(groups.end(), {*best, {}});
    g->second.push_back(i);
  }

  for (const auto& [z, idx] : groups) {
    for (size_t start = 0; start < idx.size(); start += options_.batchSize) {
      std::vector<size_t> chunk(
          idx.begin() + long(start),
          idx.begin() + long(std::min(idx.size(), start + options_.batchSize)));
      if (auto s = patch((*zones)[z], batch, chunk, results); !s) return s.error();
    }
  }
  return results;
}

Status PowerDnsProvider::patch(const Zone& zone, const std::vector<Change>& batch,
                               const std::vector<size_t>& idx, std::vector<ChangeResult>& results) {
  json rrsets = json::array();
  std::vector<std::string> targets(idx.size());
  for (size_t k = 0; k < idx.size(); ++k) {
    const Change& c = batch[idx[k]];
    std::string owner = canonicalDnsName(c.reverseName);
    // apply() refused resets without a default, and owner is a full reverse name.
    targets[k] = c.action == Change::Action::kSet
                     ? canonicalDnsName(c.hostname)
                     : defaultPtrFor(*IpAddress::fromReverseName(owner)).value();
    json rrset = {{"name", owner}, {"type", "PTR"}};
    if (targets[k].empty()) {
      rrset["changetype"] = "DELETE";
    } else {
      rrset["changetype"] = "REPLACE";
      rrset["ttl"] = options_.ttl;
      rrset["records"] = json::array({{{"content", targets[k]}, {"disabled", false}}});
    }
    rrsets.push_back(std::move(rrset));
  }
  auto r =
      call("patch_zone", "PATCH",
           fmt::format("/api/v1/servers/{}/zones/{}", options_.serverId, http::urlEncode(zone.id)),
           json{{"rrsets", std::move(rrsets)}}.dump());
  if (!r) return r.error();
  if (r->code == 204 || r->code == 200) {
    for (size_t k = 0; k < idx.size(); ++k) {
      results[idx[k]].status = ChangeResult::Status::kApplied;
      results[idx[k]].ptr = targets[k];
    }
    return okStatus();
  }
  if (r->code == 422 || r->code == 400) {
    // The server rejects a PATCH as a whole; halve it until the bad rrsets stand
    // alone: ~2*log2(n) extra requests per bad record instead of n.
    if (idx.size() == 1) {
      results[idx[0]].status = ChangeResult::Status::kInvalid;
      results[idx[0]].reason = fmt::format("PowerDNS rejected the record: {}", apiMessage(*r));
      return okStatus();
    }
    size_t half = idx.size() / 2;
    std::vector<size_t> left(idx.begin(), idx.begin() + long(half)),
        right(idx.begin() + long(half), idx.end());
    if (auto s = patch(zone, batch, left, results); !s) return s;
    return patch(zone, batch, right, results);
  }
  if (r->code == 429 || r->code >= 500 || r->code == 401 || r->code == 403)
    return responseError(fmt::format("updating zone {}", zone.name), *r);
  // Anything else (404: the zone vanished since we listed it) fails this chunk only.
  for (size_t i : idx) {
    results[i].status = ChangeResult::Status::kFailed;
    results[i].reason = fmt::format("PowerDNS updating zone {}: {}", zone.name, apiMessage(*r));
  }
  return okStatus();
}

Result<std::unique_ptr<Provider>> makePowerDnsProvider(const ProviderConfig& config,
                                                       RequestObserver observer) {
  if (config.url.empty()) return Error::permanent("powerdns provider: url is not set");
  auto key = http::readSecretFile(config.apiKeyFile);
  if (!key)
    return Error::permanent(fmt::format("powerdns provider: apiKeyFile: {}", key.error().message));
  PowerDnsOptions o;
  o.url = config.url;
  o.apiKey = *key;
  o.batchSize = config.batchSize;
  o.defaultTemplate = config.defaultTemplate;
  o.ttl = config.ttl;
  auto client = http::makeCurlClient(http::curlOptionsFor(config, std::move(observer)));
  return std::unique_ptr<Provider>(
      std::make_unique<PowerDnsProvider>(std::move(o), std::move(client)));
}

}  // namespace ptrd::providers::powerdns
