#include "reconciler/http_endpoint.h"

#include <fmt/format.h>
#include <httplib.h>

#include <charconv>

namespace ptrd {

Result<ListenAddress> parseListen(const std::string& spec) {
  const size_t colon = spec.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return Error::permanent(fmt::format("listen \"{}\" must be ADDRESS:PORT", spec));
  ListenAddress a;
  a.host = spec.substr(0, colon);
  if (a.host.size() > 2 && a.host.front() == '[' && a.host.back() == ']')
    a.host = a.host.substr(1, a.host.size() - 2);
  const char* end = spec.data() + spec.size();
  auto [ptr, ec] = std::from_chars(spec.data() + colon + 1, end, a.port);
  if (ec != std::errc() || ptr != end || a.port < 0 || a.port > 65535)
    return Error::permanent(fmt::format("listen \"{}\": bad port", spec));
  return a;
}

DaemonHttp::DaemonHttp(DaemonMetrics& metrics, StatusBoard& status, Clock& clock)
    : metrics_(metrics),
      status_(status),
      clock_(clock),
      server_(std::make_unique<httplib::Server>()) {
  server_->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics_.render(), "text/plain; version=0.0.4; charset=utf-8");
  });
  server_->Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
    const bool ok = status_.healthy(clock_.now());
    res.status = ok ? 200 : 503;
    res.set_content(ok ? "ok\n" : "the reconcile loop made no progress for too long\n",
                    "text/plain");
  });
  server_->Get("/readyz", [this](const httplib::Request&, httplib::Response& res) {
    const bool ok = status_.ready();
    res.status = ok ? 200 : 503;
    res.set_content(ok ? "ready\n" : "not ready: no config loaded or no successful pass yet\n",
                    "text/plain");
  });
  server_->Get("/status", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(status_.statusJson(), "application/json");
  });
}

DaemonHttp::~DaemonHttp() {
  stop();
}

Status DaemonHttp::start(const std::string& listen) {
  auto addr = parseListen(listen);
  if (!addr) return addr.error();
  if (addr->port == 0) {
    port_ = server_->bind_to_any_port(addr->host.c_str());
  } else {
    port_ = server_->bind_to_port(addr->host.c_str(), addr->port) ? addr->port : -1;
  }
  if (port_ <= 0) return Error::permanent(fmt::format("cannot listen on {}", listen));
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return okStatus();
}

void DaemonHttp::stop() {
  if (!thread_.joinable()) return;
  server_->stop();
  thread_.join();
}

}  // namespace ptrd
