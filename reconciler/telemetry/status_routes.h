// The status page's HTTP routes on the daemon's listener (http_endpoint.h):
//   GET /                the page (status_page.h)
//   GET /status/summary  counts, last pass, provider, reload, safety cap (JSON)
//   GET /status/rows     ?state=&q=&offset=&limit= one bounded page of rows (JSON)
// and `GET /status` with `Accept: text/html` answers the page too (servePage).
// Every answer is read-only and carries X-Content-Type-Options: nosniff; the
// page carries its Content-Security-Policy.
#pragma once

#include <string>

namespace httplib {
class Server;
struct Response;
}  // namespace httplib

namespace ptrd {

class StatusBoard;

void addStatusPageRoutes(httplib::Server& server, const StatusBoard& status);

// Does this Accept header ask for HTML (a browser) rather than JSON?
bool prefersHtml(const std::string& accept);
void servePage(httplib::Response& res);

}  // namespace ptrd
