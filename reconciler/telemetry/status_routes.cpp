#include "reconciler/telemetry/status_routes.h"

#include <httplib.h>

#include "reconciler/telemetry/status.h"
#include "reconciler/telemetry/status_page.h"
#include "reconciler/telemetry/status_rows.h"

namespace ptrd {
namespace {

void commonHeaders(httplib::Response& res) {
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Cache-Control", "no-store");
  res.set_header("Referrer-Policy", "no-referrer");
}

}  // namespace

bool prefersHtml(const std::string& accept) {
  return accept.find("text/html") != std::string::npos;
}

void servePage(httplib::Response& res) {
  commonHeaders(res);
  res.set_header("Content-Security-Policy", statusPageCsp());
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Vary", "Accept");
  res.set_content(statusPageHtml(), "text/html; charset=utf-8");
}

void addStatusPageRoutes(httplib::Server& server, const StatusBoard& status) {
  server.Get("/", [](const httplib::Request&, httplib::Response& res) { servePage(res); });
  server.Get("/status/summary", [&status](const httplib::Request&, httplib::Response& res) {
    commonHeaders(res);
    res.set_content(status.page().summaryJson(status.configFile()), "application/json");
  });
  server.Get("/status/rows", [&status](const httplib::Request& req, httplib::Response& res) {
    commonHeaders(res);
    auto query = parseRowQuery([&req](const char* key) {
      return req.has_param(key) ? req.get_param_value(key) : std::string();
    });
    if (!query) {
      res.status = 400;
      res.set_content(query.error().message + "\n", "text/plain; charset=utf-8");
      return;
    }
    auto view = status.page().view();
    static const std::vector<StatusRow> kNone;
    res.set_content(renderRowsPage(view ? *view->rows : kNone, *query), "application/json");
  });
}

}  // namespace ptrd
