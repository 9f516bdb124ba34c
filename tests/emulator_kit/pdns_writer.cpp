#include "tests/emulator_kit/pdns_writer.h"

#include <fmt/format.h>
#include <httplib.h>

#include <map>
#include <nlohmann/json.hpp>

namespace ptrd::emulator_kit {

using nlohmann::json;

Result<std::unique_ptr<PdnsWriter>> PdnsWriter::make(const std::string& url,
                                                     const std::string& apiKey) {
  std::unique_ptr<PdnsWriter> w(new PdnsWriter());
  if (url.empty()) return w;
  if (!url.starts_with("http://127.") && !url.starts_with("http://localhost:") &&
      !url.starts_with("http://[::1]"))
    return Error::permanent("the PowerDNS URL must be on loopback (http://127.x.y.z:PORT)");
  w->client_ = std::make_unique<httplib::Client>(url);
  w->client_->set_default_headers({{"X-API-Key", apiKey}});
  w->client_->set_keep_alive(true);
  w->client_->set_read_timeout(30, 0);
  w->apiKey_ = apiKey;
  return w;
}

PdnsWriter::~PdnsWriter() = default;

bool PdnsWriter::refreshZones() {
  auto r = client_->Get("/api/v1/servers/localhost/zones");
  if (!r || r->status != 200) return false;
  try {
    zones_.clear();
    for (const auto& z : json::parse(r->body)) zones_.push_back(z.at("name").get<std::string>());
    return true;
  } catch (const json::exception&) {
    return false;
  }
}

std::string PdnsWriter::zoneFor(const std::string& name) const {
  std::string best;
  for (const auto& z : zones_) {
    bool under = name == z || (name.size() > z.size() && name.ends_with(z) &&
                               name[name.size() - z.size() - 1] == '.');
    if (under && z.size() > best.size()) best = z;
  }
  return best;
}

std::vector<std::string> PdnsWriter::write(const std::vector<PtrWrite>& writes) {
  std::vector<std::string> errors(writes.size());
  if (!client_) return errors;
  std::lock_guard lock(mu_);
  std::map<std::string, std::vector<size_t>> byZone;
  for (size_t i = 0; i < writes.size(); ++i) {
    std::string zone = zoneFor(writes[i].reverseName);
    if (zone.empty() && refreshZones()) zone = zoneFor(writes[i].reverseName);
    if (zone.empty()) {
      errors[i] = fmt::format("no DNS zone holds {}", writes[i].reverseName);
      continue;
    }
    byZone[zone].push_back(i);
  }
  for (const auto& [zone, idx] : byZone) {
    json rrsets = json::array();
    for (size_t i : idx) {
      if (writes[i].ptr.empty()) {  // the platform keeps no name for it: none in DNS either
        rrsets.push_back(
            {{"name", writes[i].reverseName}, {"type", "PTR"}, {"changetype", "DELETE"}});
        continue;
      }
      rrsets.push_back(
          {{"name", writes[i].reverseName},
           {"type", "PTR"},
           {"ttl", 60},
           {"changetype", "REPLACE"},
           {"records", json::array({{{"content", writes[i].ptr}, {"disabled", false}}})}});
    }
    auto r = client_->Patch(("/api/v1/servers/localhost/zones/" + zone).c_str(),
                            json{{"rrsets", rrsets}}.dump(), "application/json");
    std::string err;
    if (!r)
      err = fmt::format("PowerDNS unreachable ({})", httplib::to_string(r.error()));
    else if (r->status != 204 && r->status != 200)
      err = fmt::format("PowerDNS answered {}: {}", r->status, r->body);
    if (!err.empty())
      for (size_t i : idx) errors[i] = err;
  }
  return errors;
}

}  // namespace ptrd::emulator_kit
