// The status page: one self-contained HTML document (inline CSS and JavaScript,
// no fonts, no CDN, nothing fetched but the daemon's own JSON), embedded in the
// binary from reconciler/status_page/.
//
// Nothing it shows can run: the script builds the DOM with textContent only,
// and the Content-Security-Policy allows exactly the page's own style and script
// (by SHA-256 hash), fetches to the daemon itself ('self'), and nothing else.
//
//   res.set_content(statusPageHtml(), "text/html; charset=utf-8");
//   res.set_header("Content-Security-Policy", statusPageCsp());
//   std::string file = embeddedPageHtml(R"({"summary": {...}, "rows": [...]})");
#pragma once

#include <string>
#include <string_view>

namespace ptrd {

// The daemon's page; it fetches status/summary and status/rows.
const std::string& statusPageHtml();
// The header that goes with it.
const std::string& statusPageCsp();

// The same page with its data embedded in a <script type="application/json">
// block (`ptrd plan -o html`), the policy in a <meta> element (no fetches at
// all). `dataJson` is {"summary": {...}, "rows": [...]}, any JSON text: it is
// made safe for the block with scriptSafeJson().
std::string embeddedPageHtml(std::string_view dataJson);

// JSON text that cannot end its <script> block nor open a comment in it: '<',
// '>' and '&' become \u003c, \u003e, \u0026 (the same value to JSON.parse).
std::string scriptSafeJson(std::string_view json);

// "'sha256-<base64>'", a CSP source matching an inline block with this text.
std::string cspHashSource(std::string_view text);

}  // namespace ptrd
