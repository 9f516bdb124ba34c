// change_dns_ptr and the actions it starts: accepted at once, run later (the
// old PTR stays visible until then), one at a time per resource.
#include <fmt/format.h>

#include <cmath>

#include "core/hostname.h"
#include "tests/hetzner_cloud_emulator/api_server.h"

namespace ptrd::hcloud_emulator {

using nlohmann::json;

json EmulatedAction::toJson() const {
  json error = nullptr;
  if (status == "error") error = {{"code", errorCode}, {"message", errorMessage}};
  return {{"id", id},
          {"command", "change_dns_ptr"},
          {"status", status},
          {"progress", status == "running" ? 0 : 100},
          {"started", "2026-11-29T00:00:00+00:00"},
          {"finished", status == "running" ? json(nullptr) : json("2026-11-29T00:00:01+00:00")},
          {"resources", json::array({{{"id", resourceId}, {"type", singular(kind)}}})},
          {"error", error}};
}

void ApiServer::tick() {
  const auto now = std::chrono::steady_clock::now();
  const double failShare = faults_.settings().jobFailShare;
  for (auto& a : actions_) {
    if (a.status != "running" || now < a.readyAt) continue;
    Resource* r = account_.find(a.kind, a.resourceId);
    if (r != nullptr) r->runningAction = 0;
    ++actionsStarted_;
    const double n = double(actionsStarted_);
    if (failShare > 0 && std::floor(n * failShare) != std::floor((n - 1) * failShare)) {
      a.status = "error";
      a.errorCode = "action_failed";
      a.errorMessage = "injected failure";
      continue;
    }
    std::string target = a.ptr.empty() ? (a.ip.isV4() ? defaultPtr(a.ip) : "") : a.ptr;
    auto errors = pdns_->write({{a.ip.reverseName(), target.empty() ? "" : target + "."}});
    if (!errors[0].empty() || r == nullptr) {
      a.status = "error";
      a.errorCode = "server_error";
      a.errorMessage = errors[0].empty() ? "resource gone" : errors[0];
      continue;
    }
    if (a.ptr.empty())
      r->custom.erase(a.ip);
    else
      r->custom[a.ip] = a.ptr;
    writes_.push_back({{"ip", a.ip.str()},
                       {"dns_ptr", a.ptr.empty() ? json(nullptr) : json(a.ptr)},
                       {"action", a.id}});
    a.status = "success";
  }
}

void ApiServer::changePtr(const httplib::Request& req, httplib::Response& res) {
  const Kind kind = *kindOf(req.matches[1]);
  json body = json::parse(req.body, nullptr, false);
  if (!body.is_object()) return sendError(res, 400, "json_error", "the body is not a JSON object");
  if (!body.contains("ip") || !body["ip"].is_string())
    return sendError(res, 422, "invalid_input", "invalid input in field 'ip': required, a string");
  if (!body.contains("dns_ptr") || !(body["dns_ptr"].is_string() || body["dns_ptr"].is_null()))
    return sendError(res, 422, "invalid_input",
                     "invalid input in field 'dns_ptr': required, a string or null");
  std::string ptr;
  if (body["dns_ptr"].is_string()) {
    ptr = body["dns_ptr"].get<std::string>();
    if (ptr.empty() || ptr.back() == '.' || ptr.size() > 253 || !normaliseHostname(ptr))
      return sendError(res, 422, "invalid_input",
                       "invalid input in field 'dns_ptr': not a valid hostname");
    for (char& c : ptr) c = char(std::tolower(static_cast<unsigned char>(c)));
  }
  auto ip = IpAddress::parse(body["ip"].get<std::string>());
  if (!ip)
    return sendError(res, 422, "invalid_input", "invalid input in field 'ip': not an IP address");
  std::lock_guard lock(mu_);
  tick();
  Resource* r = account_.find(kind, std::stoull(req.matches[2]));
  if (r == nullptr)
    return sendError(res, 404, "not_found", fmt::format("{} not found", singular(kind)));
  if (!r->holds(*ip)) {
    return sendError(res, 422, "invalid_input",
                     fmt::format("invalid input in field 'ip': {} is not assigned to this {}",
                                 ip->str(), singular(kind)));
  }
  if (r->runningAction != 0)
    return sendError(res, 423, "locked",
                     fmt::format("{} is locked by action {}", singular(kind), r->runningAction));
  EmulatedAction a;
  a.id = 1000 + actions_.size();
  a.kind = kind;
  a.resourceId = r->id;
  a.ip = *ip;
  a.ptr = ptr;
  a.readyAt =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(faults_.settings().jobDelayMs);
  r->runningAction = a.id;
  actions_.push_back(a);
  sendJson(res, 201, {{"action", a.toJson()}});
}

void ApiServer::routeActions() {
  server_.Post(
      R"(/v1/(servers|primary_ips|floating_ips|load_balancers)/(\d{1,12})/actions/change_dns_ptr)",
      v1([this](const httplib::Request& req, httplib::Response& res) { changePtr(req, res); }));

  server_.Get(R"(/v1/actions/(\d{1,12}))",
              v1([this](const httplib::Request& req, httplib::Response& res) {
                std::lock_guard lock(mu_);
                tick();
                const uint64_t id = std::stoull(req.matches[1]);
                for (const auto& a : actions_)
                  if (a.id == id) return sendJson(res, 200, {{"action", a.toJson()}});
                sendError(res, 404, "not_found", "action not found");
              }));

  // Listing every action is deprecated: only the id filter is served.
  server_.Get(
      "/v1/actions", v1([this](const httplib::Request& req, httplib::Response& res) {
        const size_t n = req.get_param_value_count("id");
        if (n == 0 || n > 50)
          return sendError(res, 422, "invalid_input", "filter by 1..50 id parameters");
        std::lock_guard lock(mu_);
        tick();
        json list = json::array();
        for (size_t i = 0; i < n; ++i) {
          const std::string v = req.get_param_value("id", i);
          if (v.empty() || v.size() > 12 || v.find_first_not_of("0123456789") != std::string::npos)
            return sendError(res, 422, "invalid_input", "id must be a number");
          for (const auto& a : actions_)
            if (a.id == std::stoull(v)) list.push_back(a.toJson());
        }
        json pagination = {{"page", 1},
                           {"per_page", 50},
                           {"previous_page", nullptr},
                           {"next_page", nullptr},
                           {"last_page", 1},
                           {"total_entries", list.size()}};
        sendJson(res, 200, {{"actions", list}, {"meta", {{"pagination", pagination}}}});
      }));
}

}  // namespace ptrd::hcloud_emulator
