// A small HTTP client seam for the providers: one request in, one response (or a
// transport Error) out. The libcurl implementation is makeCurlClient(); unit tests
// substitute a scripted fake so provider logic is tested without a network.
//
// Header values may carry secrets (X-API-Key, Authorization): implementations
// never put them in logs or error messages. Error messages name the method and
// the URL's path only.
//
//   auto client = makeCurlClient({.caFile = "", .timeout = 10s, .observer = obs});
//   auto r = client->send({.operation = "list_zones", .method = "GET", .url = u});
//   if (!r) return r.error();            // transient: no response at all
//   if (r->code >= 500) ...              // any HTTP response is a Response
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "providers/provider.h"
#include "core/result.h"

namespace ptrd::providers::http {

struct Request {
  std::string operation;  // label for ptrd_provider_requests_total, e.g. "patch_zone"
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // sent as-is; empty = no body
  // Caps the client's own timeout for this attempt (a retry loop's deadline);
  // zero = the client's timeout alone.
  std::chrono::milliseconds timeout{0};
};

struct Response {
  int code = 0;
  std::string body;
  // Parsed from a delta-seconds Retry-After header; absent otherwise.
  std::optional<std::chrono::seconds> retryAfter;
  // The answer's headers, names lower-cased, values trimmed (at most
  // kMaxHeaders; rate-limit budgets such as RateLimit-Remaining are read here).
  std::vector<std::pair<std::string, std::string>> headers;

  // The first header of that (lower-case) name, or nullopt.
  std::optional<std::string> header(std::string_view lowerName) const {
    for (const auto& [n, v] : headers)
      if (n == lowerName) return v;
    return std::nullopt;
  }
};

// Headers kept per answer; the rest are dropped (a hostile server sending
// endless headers must not fill memory).
inline constexpr size_t kMaxHeaders = 100;

class Client {
 public:
  virtual ~Client() = default;
  // A transport failure (refused, timeout, TLS) is Error::transient; a body over
  // the size bound is Error::permanent; every HTTP response, 5xx included, is a
  // Response for the caller to classify.
  virtual Result<Response> send(const Request& request) = 0;
};

// The largest answer body read: a provider that streams 500 MB (or forever) makes
// the transfer stop here with an error naming the bound, never a partial body.
inline constexpr size_t kMaxBodyBytes = size_t(64) << 20;

struct CurlOptions {
  std::string caFile;  // extra CA bundle; TLS peer and host verification stay on regardless
  std::chrono::milliseconds timeout{10000};
  RequestObserver observer;  // told (operation, code or 0) about every request
  size_t maxBodyBytes = kMaxBodyBytes;
  // A stop request (SIGTERM in the daemon) aborts a transfer still running
  // `stopGrace` after it, instead of letting a silent server hold the shutdown
  // for up to `timeout`; an answer on its way within the grace is still read,
  // so the batch in hand finishes. Null: transfers are never cut short.
  std::shared_ptr<ProviderWait> stop = nullptr;
  std::chrono::milliseconds stopGrace{5000};
};

// "GET /v1/ips": method and URL path, the way errors name a request (no query,
// no credentials).
std::string describeRequest(const Request& r);

// What a provider's factory passes for its API: the config's CA file, request
// timeout and stop signal (config.wait), and the shared body bound.
CurlOptions curlOptionsFor(const ProviderConfig& config, RequestObserver observer);

// One connection cache per client, so consecutive requests reuse keep-alive
// connections. Calls are serialised internally; the client is safe to share.
std::unique_ptr<Client> makeCurlClient(CurlOptions options);

// Percent-encodes everything but RFC 3986 unreserved characters.
std::string urlEncode(std::string_view text);

// "https://h/api/" + "/v1/ips" -> "https://h/api/v1/ips" (exactly one slash).
std::string joinUrl(std::string_view base, std::string_view path);

// A JSON API request with a bearer token, as most platforms take them: base URL
// joined with path, Accept (and, with a body, Content-Type) application/json.
Request bearerJsonRequest(std::string operation, std::string method, std::string_view baseUrl,
                          std::string_view path, const std::string& token, std::string body);

// Reads a secret from a file, dropping one trailing newline (the one editors
// add); a control character anywhere else is refused (providers/secret_file.h).
// The error names the file, never its content. A file every user may read
// is still read (refusing would take a running fleet down over a chmod), but
// reported through the warning sink.
Result<std::string> readSecretFile(const std::string& path);

// "secret file F is readable by every user (mode 0644); chmod 600 F" when the
// file (after symlinks) is world-readable; nullopt otherwise or if it cannot be
// stat'ed (reading it then reports that).
std::optional<std::string> secretFileWarning(const std::string& path);

// Where the providers' warnings go: stderr ("ptrd: warning: ...") unless a
// program installs its logger here. Set it before creating providers.
using WarningSink = std::function<void(const std::string&)>;
void setWarningSink(WarningSink sink);

}  // namespace ptrd::providers::http
