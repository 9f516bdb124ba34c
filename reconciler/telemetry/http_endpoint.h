// DaemonHttp: the daemon's one HTTP listener (config `listen`), serving
//   /metrics  Prometheus text format (DaemonMetrics)
//   /healthz  200 "ok" while the loop makes progress, else 503
//   /readyz   200 once a config is loaded and a pass succeeded, else 503
//   /status   JSON of the last pass (StatusBoard); the status page for a browser
//   /, /status/summary, /status/rows   the status page and its data (status_routes.h)
// on cpp-httplib in its own thread. Nothing it serves holds a secret.
//
// Slow or many clients cannot starve /healthz (contract §7): each request must
// arrive whole within 3 s and be at most 16 KiB, an idle kept-alive connection
// is closed after 2 s, and up to 256 connections are served at once (workers
// start on demand), so the slow clients a deadline admits never hold them all.
//
//   DaemonHttp http(metrics, status, clock);
//   if (auto s = http.start("127.0.0.1:9153"); !s) die(s.error().message);
//   ...
//   http.stop();
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "core/result.h"
#include "core/daemon_clock.h"
#include "reconciler/telemetry/metrics.h"
#include "reconciler/telemetry/status.h"

namespace httplib {
class Server;
}

namespace ptrd {

// "127.0.0.1:9153" / "[::1]:9153" -> host and port.
struct ListenAddress {
  std::string host;
  int port = 0;
};
Result<ListenAddress> parseListen(const std::string& spec);

class DaemonHttp {
 public:
  DaemonHttp(DaemonMetrics& metrics, StatusBoard& status, Clock& clock);
  ~DaemonHttp();
  DaemonHttp(const DaemonHttp&) = delete;
  DaemonHttp& operator=(const DaemonHttp&) = delete;

  // Binds (port 0: the kernel picks) and serves in a thread.
  Status start(const std::string& listen);
  int port() const { return port_; }
  void stop();

 private:
  DaemonMetrics& metrics_;
  StatusBoard& status_;
  Clock& clock_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace ptrd
