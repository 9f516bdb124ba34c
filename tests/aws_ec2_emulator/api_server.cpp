#include "tests/aws_ec2_emulator/api_server.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/hostname.h"
#include "tests/linode_emulator/forward_check.h"

namespace ptrd::aws_ec2_emulator {
namespace {

using emulator_kit::ApiFront;
using nlohmann::json;

// The refusal checkSignature found for the request this thread is handling:
// ApiFront asks authorized() and then reply() on the same thread.
thread_local AwsRefusal tlsRefusal;

void sendXml(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_content(body, "text/xml;charset=UTF-8");
}

AwsRefusal invalidValue(std::string message) {
  return {400, "InvalidParameterValue", std::move(message)};
}

AwsRefusal notFound(const std::string& id) {
  return {400, "InvalidAllocationID.NotFound",
          fmt::format("The allocation ID '{}' does not exist", id)};
}

void reply(ApiFront::Answer a, const emulator_kit::FaultSettings&, httplib::Response& res) {
  switch (a) {
    case ApiFront::Answer::kUnauthorized:
      return sendXml(res, tlsRefusal.status, errorXml(tlsRefusal, "auth"));
    case ApiFront::Answer::kRateLimited:
      return sendXml(res, 503,
                     errorXml({503, "RequestLimitExceeded", "Request limit exceeded."}, "limit"));
    case ApiFront::Answer::kServerError:
      return sendXml(res, 500,
                     errorXml({500, "InternalError", "An internal error has occurred"}, "error"));
  }
}

}  // namespace

ApiServer::ApiServer(ServerOptions options, Account account,
                     std::unique_ptr<emulator_kit::PdnsWriter> pdns)
    : options_(std::move(options)), account_(std::move(account)), pdns_(std::move(pdns)) {
  front_ = std::make_unique<ApiFront>(
      server_, ApiFront::Options{options_.adminToken, options_.faults,
                                 [this](const httplib::Request& r) {
                                   auto now = std::chrono::system_clock::now() +
                                              std::chrono::seconds(skewSeconds_.load());
                                   auto refusal = checkSignature(r, options_.key, now);
                                   if (refusal) tlsRefusal = *refusal;
                                   return !refusal;
                                 },
                                 reply});
  server_.set_payload_max_length(1 << 20);
  routes();
}

ApiServer::~ApiServer() {
  stop();
}

void ApiServer::stop() {
  front_->faults().interrupt();
  server_.stop();
}

int ApiServer::bind(int port) {
  if (port == 0) return server_.bind_to_any_port("127.0.0.1");
  return server_.bind_to_port("127.0.0.1", port) ? port : -1;
}

std::string ApiServer::seedDns() {
  std::vector<emulator_kit::PtrWrite> writes;
  {
    std::lock_guard lock(accountMu_);
    for (const auto& ip : account_.ips())
      writes.push_back(
          {ip.reverseName, ip.ptr.empty() ? awsDefault(ip, options_.key.region) : ip.ptr});
  }
  for (const auto& e : pdns_->write(writes))
    if (!e.empty()) return e;
  return {};
}

std::string ApiServer::nextRequestId() {
  return fmt::format("59dbff89-35bd-4eac-99ed-{:012x}", ++requestCounter_);
}

void ApiServer::routes() {
  server_.Post("/", front_->wrap([this](const httplib::Request& req, httplib::Response& res) {
    handle(req, res);
  }));
  auto admin = [this](const httplib::Request& req, httplib::Response& res) -> std::optional<json> {
    if (req.get_header_value("Authorization") != "Bearer " + options_.adminToken) {
      res.status = 401;
      return std::nullopt;
    }
    try {
      return json::parse(req.body);
    } catch (const json::exception&) {
      res.status = 400;
      return std::nullopt;
    }
  };
  server_.Post("/admin/forward",
               [this, admin](const httplib::Request& req, httplib::Response& res) {
                 auto body = admin(req, res);
                 if (!body) return;
                 std::string mode = body->value("resolver", "");
                 if (mode != "ok" && mode != "stale") {
                   res.status = 400;
                   return;
                 }
                 staleResolver_ = mode == "stale";
                 res.set_content(json{{"resolver", mode}}.dump(), "application/json");
               });
  server_.Post("/admin/clock", [this, admin](const httplib::Request& req, httplib::Response& res) {
    auto body = admin(req, res);
    if (!body) return;
    skewSeconds_ = body->value("skew_s", 0L);
    res.set_content(json{{"skew_s", skewSeconds_.load()}}.dump(), "application/json");
  });
}

void ApiServer::handle(const httplib::Request& req, httplib::Response& res) {
  const std::string id = nextRequestId();
  if (!req.get_header_value("Content-Type").starts_with("application/x-www-form-urlencoded"))
    return sendXml(res, 400,
                   errorXml(invalidValue("The request body must be form-urlencoded"), id));
  Params p;
  auto refusal = parseForm(req.body, p);
  if (!refusal) refusal = checkParams(p);
  if (!refusal && p.count("DryRun") && p["DryRun"] == "true")
    refusal =
        AwsRefusal{412, "DryRunOperation", "Request would have succeeded, but DryRun flag is set."};
  std::string inner;
  if (!refusal) {
    std::lock_guard lock(accountMu_);
    settle();
    refusal = act(p, inner);
  }
  if (refusal) return sendXml(res, refusal->status, errorXml(*refusal, id));
  sendXml(res, 200, answerXml(p["Action"], id, inner));
}

void ApiServer::settle() {
  const auto now = std::chrono::steady_clock::now();
  for (auto& ip : account_.ips()) {
    PtrUpdate& u = ip.update;
    if (u.status != "PENDING" || u.due > now) continue;
    std::string target = u.value.empty() ? awsDefault(ip, options_.key.region) : u.value;
    if (!u.value.empty() && options_.dnsPort > 0) {
      auto verdict = staleResolver_ ? linode_emulator::ForwardVerdict::kNoMatch
                                    : linode_emulator::checkForward(
                                          options_.dnsServer, options_.dnsPort,
                                          u.value.substr(0, u.value.size() - 1), ip.address, false);
      if (verdict != linode_emulator::ForwardVerdict::kMatches) {
        u.status = "FAILED";
        u.reason = fmt::format(
            "The forward DNS record (A) of {} does not resolve to {}; create it before the "
            "reverse DNS record",
            u.value, ip.address);
        continue;
      }
    }
    auto errors = pdns_->write({{ip.reverseName, target}});
    if (!errors[0].empty()) {
      u.status = "FAILED";
      u.reason = "An internal error has occurred";
      continue;
    }
    ip.ptr = u.value;
    u = PtrUpdate{};
  }
}

std::string ApiServer::itemXml(const ElasticIp& ip, bool withAttribute) const {
  std::string out = fmt::format("<publicIp>{}</publicIp><allocationId>{}</allocationId>",
                                ip.address, ip.allocationId);
  if (!withAttribute)
    return out + fmt::format(
                     "<domain>vpc</domain><publicIpv4Pool>amazon</publicIpv4Pool>"
                     "<networkBorderGroup>{}</networkBorderGroup><tagSet/>",
                     options_.key.region);
  if (!ip.ptr.empty()) out += fmt::format("<ptrRecord>{}</ptrRecord>", xmlEscape(ip.ptr));
  if (!ip.update.status.empty()) {
    out += "<ptrRecordUpdate>";
    if (!ip.update.value.empty())
      out += fmt::format("<value>{}</value>", xmlEscape(ip.update.value));
    out += fmt::format("<status>{}</status>", ip.update.status);
    if (!ip.update.reason.empty())
      out += fmt::format("<reason>{}</reason>", xmlEscape(ip.update.reason));
    out += "</ptrRecordUpdate>";
  }
  return out;
}

std::optional<AwsRefusal> ApiServer::act(const Params& p, std::string& inner) {
  const std::string& action = p.at("Action");
  // The addresses named by AllocationId.N (all when none is named).
  std::vector<ElasticIp*> chosen;
  for (const auto& [name, value] : p) {
    if (!name.starts_with("AllocationId.")) continue;
    ElasticIp* ip = account_.byAllocation(value);
    if (ip == nullptr) return notFound(value);
    chosen.push_back(ip);
  }
  if (p.count("PublicIp.1")) return invalidValue("PublicIp filters are not emulated");
  if (chosen.empty())
    for (auto& ip : account_.ips()) chosen.push_back(&ip);

  if (action == "DescribeAddresses") {
    inner = "    <addressesSet>\n";
    for (const ElasticIp* ip : chosen)
      inner += "        <item>" + itemXml(*ip, false) + "</item>\n";
    inner += "    </addressesSet>\n";
    return std::nullopt;
  }
  if (action == "DescribeAddressesAttribute") {
    if (p.count("Attribute") && p.at("Attribute") != "domain-name")
      return invalidValue(
          fmt::format("Value ({}) for parameter attribute is invalid", p.at("Attribute")));
    size_t max = 1000;
    if (p.count("MaxResults")) {
      const std::string& m = p.at("MaxResults");
      if (m.empty() || m.size() > 4 || m.find_first_not_of("0123456789") != std::string::npos ||
          std::stoul(m) < 1 || std::stoul(m) > 1000)
        return invalidValue(fmt::format("Value ({}) for parameter maxResults is invalid", m));
      max = std::stoul(m);
    }
    max = std::min(max, options_.pageSize);
    std::vector<const ElasticIp*> listed;  // AWS lists only addresses with a name or an update
    for (const ElasticIp* ip : chosen)
      if (!ip->ptr.empty() || !ip->update.status.empty()) listed.push_back(ip);
    size_t from = 0;
    if (p.count("NextToken")) {
      const std::string& t = p.at("NextToken");
      if (!t.starts_with("eyJ") || t.size() > 12 ||
          t.find_first_not_of("0123456789", 3) != std::string::npos || t.size() == 3)
        return invalidValue("The token is not valid");
      from = std::stoul(t.substr(3));
    }
    inner = "    <addressSet>\n";
    for (size_t i = from; i < listed.size() && i < from + max; ++i)
      inner += "        <item>" + itemXml(*listed[i], true) + "</item>\n";
    inner += "    </addressSet>\n";
    if (from + max < listed.size())
      inner += fmt::format("    <nextToken>eyJ{}</nextToken>\n", from + max);
    return std::nullopt;
  }
  ElasticIp* ip = account_.byAllocation(p.at("AllocationId"));
  if (ip == nullptr) return notFound(p.at("AllocationId"));
  const auto due = std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.pendingMs);
  if (action == "ModifyAddressAttribute") {
    auto name = normaliseHostname(p.at("DomainName"));
    if (!name) return invalidValue(fmt::format("Invalid domain name: {}", p.at("DomainName")));
    ip->update = PtrUpdate{*name, "PENDING", "", due};
  } else {  // ResetAddressAttribute
    if (p.at("Attribute") != "domain-name")
      return invalidValue(
          fmt::format("Value ({}) for parameter attribute is invalid", p.at("Attribute")));
    ip->update = PtrUpdate{"", "PENDING", "", due};
  }
  inner = "    <address>" + itemXml(*ip, true) + "</address>\n";
  return std::nullopt;
}

}  // namespace ptrd::aws_ec2_emulator
