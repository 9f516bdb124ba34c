#include "reconciler/telemetry/status_page.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <utility>

#include "reconciler/telemetry/status_page_assets.h"

namespace ptrd {
namespace {

// The template with its markers filled in. Markers are found in the template
// itself, in order, so text put in place (names in the data) can never be
// taken for a marker.
std::string assemble(std::string_view meta, std::string_view data) {
  const std::string_view tpl = status_page::kHtml;
  const std::pair<std::string_view, std::string_view> fill[] = {{"@META@", meta},
                                                                {"@STYLE@", status_page::kCss},
                                                                {"@DATA@", data},
                                                                {"@SCRIPT@", status_page::kJs}};
  std::string html;
  size_t from = 0;
  for (const auto& [marker, with] : fill) {
    const size_t at = tpl.find(marker, from);
    if (at == std::string_view::npos) continue;
    html.append(tpl.substr(from, at - from)).append(with);
    from = at + marker.size();
  }
  return html.append(tpl.substr(from));
}

// Shared by the header and the <meta> form; frame-ancestors is header-only.
std::string basePolicy() {
  return "default-src 'none'; script-src " + cspHashSource(status_page::kJs) + "; style-src " +
         cspHashSource(status_page::kCss) + "; img-src data:; base-uri 'none'; form-action 'none'";
}

}  // namespace

std::string cspHashSource(std::string_view text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  unsigned char b64[4 * ((SHA256_DIGEST_LENGTH + 2) / 3) + 1];
  const int n = EVP_EncodeBlock(b64, digest, SHA256_DIGEST_LENGTH);
  return "'sha256-" + std::string(reinterpret_cast<const char*>(b64), size_t(n)) + "'";
}

const std::string& statusPageHtml() {
  static const std::string html = assemble("", "");
  return html;
}

const std::string& statusPageCsp() {
  static const std::string csp = basePolicy() + "; connect-src 'self'; frame-ancestors 'none'";
  return csp;
}

std::string scriptSafeJson(std::string_view json) {
  std::string out;
  out.reserve(json.size() + json.size() / 16);
  for (char c : json) {
    switch (c) {
      case '<':
        out += "\\u003c";
        break;
      case '>':
        out += "\\u003e";
        break;
      case '&':
        out += "\\u0026";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string embeddedPageHtml(std::string_view dataJson) {
  const std::string meta =
      "<meta http-equiv=\"Content-Security-Policy\" content=\"" + basePolicy() + "\">\n";
  const std::string data = "<script type=\"application/json\" id=\"ptrd-data\">" +
                           scriptSafeJson(dataJson) + "</script>\n";
  return assemble(meta, data);
}

}  // namespace ptrd
