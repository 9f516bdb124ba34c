// Bulk endpoints of the emulated portal: preview, submit (asynchronous job),
// and job status.
#include <fmt/format.h>

#include "tests/noc_emulator/api_server.h"

namespace ptrd::noc_emulator {

using nlohmann::json;

namespace {

constexpr size_t kMaxEntries = 500;

// One {"ip", "ptr"} / {"ip", "reset": true} entry, checked like the portal does.
EntryCheck checkEntry(const Account& account, const json& e) {
  if (!e.is_object() || !e.contains("ip") || !e["ip"].is_string()) {
    EntryCheck c;
    c.ip = e.is_object() && e.contains("ip") ? e["ip"].dump() : "";
    c.code = "invalid_ip";
    c.reason = "entry needs an \"ip\" string";
    return c;
  }
  std::optional<std::string> ptr;
  bool reset = false;
  if (e.contains("ptr")) {
    if (!e["ptr"].is_string()) {
      EntryCheck c;
      c.ip = e["ip"].get<std::string>();
      c.code = "invalid_hostname";
      c.reason = "\"ptr\" must be a string";
      return c;
    }
    ptr = e["ptr"].get<std::string>();
  }
  if (e.contains("reset")) reset = e["reset"].is_boolean() && e["reset"].get<bool>();
  return account.check(e["ip"].get<std::string>(), ptr, reset);
}

// A bulk line: IP and hostname separated by space, tab or comma.
EntryCheck checkLine(const Account& account, const std::string& line) {
  size_t sep = line.find_first_of(" \t,");
  if (sep == std::string::npos) {
    EntryCheck c;
    c.ip = line;
    c.code = "invalid_hostname";
    c.reason = "line needs an IP and a hostname";
    return c;
  }
  size_t host = line.find_first_not_of(" \t,", sep);
  std::string name = host == std::string::npos ? "" : line.substr(host);
  if (name.find_first_of(" \t,") != std::string::npos) {
    EntryCheck c;
    c.ip = line.substr(0, sep);
    c.code = "invalid_hostname";
    c.reason = "line has more than two fields";
    return c;
  }
  return account.check(line.substr(0, sep), name, false);
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

}  // namespace

void ApiServer::routeBulk() {
  server_.Post(
      "/v1/ptr/bulk/preview", v1([this](const httplib::Request& req, httplib::Response& res) {
        json body;
        try {
          body = json::parse(req.body);
        } catch (const json::exception&) {
          return sendError(res, 400, "invalid_request", "body is not JSON");
        }
        // (line number, text, verdict) for either input form.
        std::vector<std::tuple<int, std::string, EntryCheck>> checked;
        std::lock_guard lock(accountMu_);
        if (body.contains("lines") && body["lines"].is_string()) {
          std::string all = body["lines"].get<std::string>();
          int lineno = 0;
          for (size_t start = 0; start <= all.size(); ++lineno) {
            size_t nl = all.find('\n', start);
            std::string raw =
                all.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
            start = nl == std::string::npos ? all.size() + 1 : nl + 1;
            std::string line = trim(raw.substr(0, raw.find('#')));
            if (!line.empty())
              checked.emplace_back(lineno + 1, trim(raw), checkLine(account_, line));
          }
        } else if (body.contains("entries") && body["entries"].is_array()) {
          int n = 0;
          for (const auto& e : body["entries"])
            checked.emplace_back(++n, e.dump(), checkEntry(account_, e));
        } else {
          return sendError(res, 400, "invalid_request", "body needs \"lines\" or \"entries\"");
        }
        int valid = 0;
        json invalid = json::array(), notYours = json::array();
        for (const auto& [line, text, c] : checked) {
          if (c.verdict == EntryCheck::Verdict::kValid)
            ++valid;
          else if (c.verdict == EntryCheck::Verdict::kNotYours)
            notYours.push_back({{"line", line}, {"ip", c.ip}});
          else
            invalid.push_back({{"line", line}, {"text", text}, {"reason", c.reason}});
        }
        sendJson(res, 200, {{"valid", valid}, {"invalid", invalid}, {"not_yours", notYours}});
      }));

  server_.Post(
      "/v1/ptr/bulk", v1([this](const httplib::Request& req, httplib::Response& res) {
        const std::string key = req.get_header_value("Idempotency-Key");
        if (key.empty())
          return sendError(res, 400, "invalid_request", "the Idempotency-Key header is required");
        json body;
        try {
          body = json::parse(req.body);
        } catch (const json::exception&) {
          return sendError(res, 400, "invalid_request", "body is not JSON");
        }
        if (!body.is_object() || !body.contains("entries") || !body["entries"].is_array())
          return sendError(res, 400, "invalid_request", "body needs an \"entries\" list");
        if (body["entries"].size() > kMaxEntries) {
          return sendError(
              res, 413, "batch_too_large",
              fmt::format("{} entries; at most {} per run", body["entries"].size(), kMaxEntries));
        }
        std::vector<EntryCheck> entries;
        {
          std::lock_guard lock(accountMu_);
          for (const auto& e : body["entries"]) entries.push_back(checkEntry(account_, e));
        }
        auto s = jobs_.submit(key, std::move(entries));
        sendJson(res, 202, {{"job_id", s.jobId}, {"counts", s.counts}});
      }));

  server_.Get(R"(/v1/jobs/([^/]+))",
              v1([this](const httplib::Request& req, httplib::Response& res) {
                auto job = jobs_.job(req.matches[1]);
                if (!job)
                  return sendError(res, 404, "not_found",
                                   fmt::format("no job {}", std::string(req.matches[1])));
                sendJson(res, 200, *job);
              }));
}

}  // namespace ptrd::noc_emulator
