#include "providers/http/http_client.h"

#include <curl/curl.h>
#include <sys/stat.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>

#include "providers/secret_file.h"
#include "providers/url_redaction.h"

namespace ptrd::providers::http {
namespace {

std::once_flag g_curl_init;

std::mutex g_warning_mu;
WarningSink g_warning_sink;  // empty: stderr

std::optional<std::chrono::seconds> parseRetryAfter(std::string_view value) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back())))
    value.remove_suffix(1);
  if (value.empty() || value.size() > 9) return std::nullopt;  // HTTP-date form: caller backs off
  long s = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return std::nullopt;
    s = s * 10 + (c - '0');
  }
  return std::chrono::seconds(s);
}

struct BodySink {
  std::string* body;
  size_t max;
  bool over = false;
};

// Returning less than given makes libcurl abort the transfer (CURLE_WRITE_ERROR):
// the only way to stop reading a body that is too large as it arrives.
size_t onBody(char* data, size_t size, size_t n, void* user) {
  auto* sink = static_cast<BodySink*>(user);
  if (sink->body->size() + size * n > sink->max) {
    sink->over = true;
    return 0;
  }
  sink->body->append(data, size * n);
  return size * n;
}

std::string mib(size_t bytes) {
  return bytes % (size_t(1) << 20) == 0 ? fmt::format("{} MiB", bytes >> 20)
                                        : fmt::format("{} bytes", bytes);
}

// One transfer's view of the stop signal.
struct StopWatch {
  ProviderWait* stop;
  std::chrono::milliseconds grace;
  std::optional<std::chrono::steady_clock::time_point> seen;  // when the stop was first seen
};

// libcurl calls it about once a second while a transfer waits, and more often
// while data moves; non-zero aborts the transfer (CURLE_ABORTED_BY_CALLBACK).
int onProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* watch = static_cast<StopWatch*>(user);
  if (!watch->stop->stopRequested()) return 0;
  const auto now = std::chrono::steady_clock::now();
  if (!watch->seen) watch->seen = now;
  return now - *watch->seen >= watch->grace ? 1 : 0;
}

size_t onHeader(char* data, size_t size, size_t n, void* user) {
  auto* response = static_cast<Response*>(user);
  std::string_view line(data, size * n);
  // A new status line (a redirect or "100 Continue" before the answer): the
  // headers that count are the last answer's.
  if (line.substr(0, 5) == "HTTP/") {
    response->headers.clear();
    response->retryAfter.reset();
    return size * n;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 256) return size * n;
  std::string name(line.substr(0, colon));
  for (char& c : name) c = char(std::tolower(static_cast<unsigned char>(c)));
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back())))
    value.remove_suffix(1);
  if (name == "retry-after") response->retryAfter = parseRetryAfter(value);
  if (response->headers.size() < kMaxHeaders && value.size() <= 1024)
    response->headers.emplace_back(std::move(name), std::string(value));
  return size * n;
}

class CurlClient : public Client {
 public:
  explicit CurlClient(CurlOptions options) : options_(std::move(options)) {
    std::call_once(g_curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    curl_ = curl_easy_init();
  }
  ~CurlClient() override {
    if (curl_ != nullptr) curl_easy_cleanup(curl_);
  }
  CurlClient(const CurlClient&) = delete;
  CurlClient& operator=(const CurlClient&) = delete;

  Result<Response> send(const Request& request) override {
    std::lock_guard lock(mu_);
    const auto begin = std::chrono::steady_clock::now();
    auto result = perform(request);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - begin;
    if (options_.observer)
      options_.observer(request.operation, result ? result->code : 0, took.count());
    return result;
  }

 private:
  Result<Response> perform(const Request& request) {
    if (curl_ == nullptr) return Error::transient("libcurl could not be initialised");
    // Reset per request but keep the handle: its connection cache is what makes
    // hundreds of consecutive requests cheap.
    curl_easy_reset(curl_);
    Response response;
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_slist* headers = nullptr;
    for (const auto& [name, value] : request.headers)
      headers = curl_slist_append(headers, fmt::format("{}: {}", name, value).c_str());
    // libcurl would otherwise wait for "100 Continue" before sending large bodies.
    headers = curl_slist_append(headers, "Expect:");

    curl_easy_setopt(curl_, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl_, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, errbuf);
    auto timeout = options_.timeout;
    if (request.timeout.count() > 0) timeout = std::min(timeout, request.timeout);
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, long(timeout.count()));
    curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!options_.caFile.empty()) curl_easy_setopt(curl_, CURLOPT_CAINFO, options_.caFile.c_str());
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, onBody);
    BodySink sink{&response.body, options_.maxBodyBytes};
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, onHeader);
    curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &response);
    StopWatch watch{options_.stop.get(), options_.stopGrace, std::nullopt};
    if (options_.stop) {
      curl_easy_setopt(curl_, CURLOPT_NOPROGRESS, 0L);
      curl_easy_setopt(curl_, CURLOPT_XFERINFOFUNCTION, onProgress);
      curl_easy_setopt(curl_, CURLOPT_XFERINFODATA, &watch);
    }
    if (request.method == "GET") {
      curl_easy_setopt(curl_, CURLOPT_HTTPGET, 1L);
    } else {
      curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST, request.method.c_str());
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.size()));
    }
    CURLcode rc = curl_easy_perform(curl_);
    curl_slist_free_all(headers);
    if (sink.over) {
      // Permanent: reading it again would only read too much again.
      return Error::permanent(
          fmt::format("{}: the answer is larger than {} (the bound on a provider "
                      "answer); its transfer was stopped",
                      describeRequest(request), mib(options_.maxBodyBytes)));
    }
    if (rc == CURLE_ABORTED_BY_CALLBACK)
      return Error::transient(fmt::format("{}: {}", describeRequest(request), kStoppedReason));
    if (rc != CURLE_OK) {
      return Error::transient(fmt::format("{}: {}", describeRequest(request),
                                          errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc)));
    }
    long code = 0;
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &code);
    response.code = int(code);
    return response;
  }

  CurlOptions options_;
  std::mutex mu_;
  CURL* curl_ = nullptr;
};

}  // namespace

// The path part of a URL, for error messages: the query may hold cursors and is
// noise.
std::string describeRequest(const Request& r) {
  // Userinfo is redacted first: a raw '/' in a password would otherwise make
  // part of it look like the path.
  const std::string redacted = redactUrlUserinfo(r.url);
  std::string_view url = redacted;
  size_t scheme = url.find("://");
  size_t host = scheme == std::string_view::npos ? 0 : scheme + 3;
  size_t slash = url.find('/', host);
  std::string_view path = slash == std::string_view::npos ? "/" : url.substr(slash);
  path = path.substr(0, path.find('?'));
  return fmt::format("{} {}", r.method, path);
}

CurlOptions curlOptionsFor(const ProviderConfig& config, RequestObserver observer) {
  return {config.caFile, config.requestTimeout, std::move(observer), kMaxBodyBytes, config.wait};
}

std::unique_ptr<Client> makeCurlClient(CurlOptions options) {
  return std::make_unique<CurlClient>(std::move(options));
}

std::string urlEncode(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' ||
        c == '~') {
      out += c;
    } else {
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    }
  }
  return out;
}

Request bearerJsonRequest(std::string operation, std::string method, std::string_view baseUrl,
                          std::string_view path, const std::string& token, std::string body) {
  Request r;
  r.operation = std::move(operation);
  r.method = std::move(method);
  r.url = joinUrl(baseUrl, path);
  r.headers = {{"Authorization", "Bearer " + token}, {"Accept", "application/json"}};
  if (!body.empty()) r.headers.emplace_back("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

std::string joinUrl(std::string_view base, std::string_view path) {
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  return fmt::format("{}/{}", base, path);
}

void setWarningSink(WarningSink sink) {
  std::lock_guard lock(g_warning_mu);
  g_warning_sink = std::move(sink);
}

std::optional<std::string> secretFileWarning(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || (st.st_mode & S_IROTH) == 0) return std::nullopt;
  return fmt::format("secret file {} is readable by every user (mode {:04o}); chmod 600 {}", path,
                     st.st_mode & 07777, path);
}

Result<std::string> readSecretFile(const std::string& path) {
  if (path.empty()) return Error::permanent("no secret file configured");
  // The one place every provider reads its key or token: checked here so no
  // command or daemon path can skip the warning.
  if (auto warning = secretFileWarning(path)) {
    std::lock_guard lock(g_warning_mu);
    if (g_warning_sink)
      g_warning_sink(*warning);
    else
      fmt::print(stderr, "ptrd: warning: {}\n", *warning);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::permanent(fmt::format("cannot read secret file {}", path));
  std::ostringstream ss;
  ss << in.rdbuf();
  return secretFromFileContent(path, ss.str());
}

}  // namespace ptrd::providers::http
