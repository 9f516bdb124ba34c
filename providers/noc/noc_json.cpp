#include "providers/noc/noc_json.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <set>

#include "core/hostname.h"

namespace ptrd::providers::noc {
namespace {

using nlohmann::json;

// A string field that may be absent or null.
std::string optString(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return {};
  return it->get<std::string>();
}

std::string lowerCase(std::string s) {
  for (char& c : s) c = (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
  return s;
}

Error malformed(const char* what, const std::exception& e) {
  return Error::transient(fmt::format("NOC API: malformed {} ({})", what, e.what()));
}

ChangeResult::Status statusFrom(const std::string& s) {
  if (s == "applied") return ChangeResult::Status::kApplied;
  if (s == "invalid") return ChangeResult::Status::kInvalid;
  if (s == "not_yours") return ChangeResult::Status::kNotYours;
  return ChangeResult::Status::kFailed;  // "failed" and anything this version does not know
}

}  // namespace

Result<IpsPage> parseIpsPage(const std::string& body) {
  try {
    auto j = json::parse(body);
    IpsPage page;
    if (!j.at("items").is_array()) return Error::transient("NOC API: \"items\" is not a list");
    for (const auto& item : j.at("items")) {
      OwnedAddress a;
      a.ip = lowerCase(item.at("ip").get<std::string>());
      if (a.ip.empty()) return Error::transient("NOC API: an item of /v1/ips has an empty ip");
      a.ptr = canonicalDnsName(optString(item, "ptr"));
      a.defaultPtr = canonicalDnsName(optString(item, "default_ptr"));
      auto custom = item.find("custom");
      a.custom = custom != item.end() && custom->is_boolean()
                     ? custom->get<bool>()
                     : !a.ptr.empty() && a.ptr != a.defaultPtr;
      page.items.push_back(std::move(a));
    }
    page.nextCursor = optString(j, "next_cursor");
    return page;
  } catch (const json::exception& e) {
    return malformed("list of addresses", e);
  }
}

std::string bulkBody(const std::vector<Change>& batch) {
  json entries = json::array();
  for (const Change& c : batch) {
    if (c.action == Change::Action::kReset) {
      entries.push_back({{"ip", c.ip}, {"reset", true}});
      continue;
    }
    std::string ptr = c.hostname;
    if (!ptr.empty() && ptr.back() == '.') ptr.pop_back();
    entries.push_back({{"ip", c.ip}, {"ptr", ptr}});
  }
  return json{{"entries", std::move(entries)}}.dump();
}

Result<std::vector<Change>> parseBulkBody(const std::string& body) {
  auto doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("entries") || !doc["entries"].is_array() ||
      doc["entries"].empty())
    return Error::permanent("its body is not a list of bulk entries");
  std::vector<Change> out;
  std::set<std::string> seen;
  for (const auto& e : doc["entries"]) {
    if (!e.is_object() || !e.contains("ip") || !e["ip"].is_string())
      return Error::permanent("its body is not a list of bulk entries");
    Change c;
    c.ip = e["ip"].get<std::string>();
    if (e.contains("reset") && e["reset"] == true) {
      c.action = Change::Action::kReset;
    } else if (e.contains("ptr") && e["ptr"].is_string()) {
      c.hostname = canonicalDnsName(e["ptr"].get<std::string>());
    } else {
      return Error::permanent("its body is not a list of bulk entries");
    }
    if (!seen.insert(c.ip).second)
      return Error::permanent("its body is not a list of bulk entries");
    out.push_back(std::move(c));
  }
  return out;
}

Result<std::string> parseJobId(const std::string& body) {
  try {
    auto id = json::parse(body).at("job_id").get<std::string>();
    if (id.empty()) return Error::transient("NOC API: empty job_id");
    return id;
  } catch (const json::exception& e) {
    return malformed("bulk answer", e);
  }
}

Result<Job> parseJob(const std::string& body) {
  try {
    auto j = json::parse(body);
    Job job;
    job.state = j.at("state").get<std::string>();
    auto results = j.find("results");
    if (results != j.end() && !results->is_null()) {
      if (!results->is_array()) return Error::transient("NOC API: job \"results\" is not a list");
      for (const auto& r : *results) {
        JobResult jr;
        jr.ip = lowerCase(r.at("ip").get<std::string>());
        jr.status = statusFrom(r.at("status").get<std::string>());
        jr.ptr = canonicalDnsName(optString(r, "ptr"));
        jr.reason = optString(r, "reason");
        job.results.push_back(std::move(jr));
      }
    }
    return job;
  } catch (const json::exception& e) {
    return malformed("job", e);
  }
}

std::string errorText(int httpCode, const std::string& body) {
  try {
    auto j = json::parse(body);
    const auto& e = j.at("error");
    return fmt::format("HTTP {} {}: {}", httpCode, e.at("code").get<std::string>(),
                       e.value("message", std::string()));
  } catch (const json::exception&) {
    return fmt::format("HTTP {}", httpCode);
  }
}

}  // namespace ptrd::providers::noc
