#include "reconciler/telemetry/http_endpoint.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include "core/host_port.h"
#include "reconciler/telemetry/status_routes.h"

namespace ptrd {
namespace {

// Bounds that keep /healthz answering within one second while anyone can open
// connections to the port (contract §7): a liveness probe that times out makes
// the orchestrator restart ptrd.
//
// cpp-httplib 0.11 bounds each read (read timeout) but not a request: a client
// sending one byte per second holds a worker for hours, and its default pool
// has 8 workers. Here every request has a deadline for reading it whole and
// writing the answer, a size bound, and the pool grows to enough workers that
// the slow clients a deadline allows at once cannot take them all.
using SteadyClock = std::chrono::steady_clock;
constexpr auto kRequestDeadline = std::chrono::seconds(3);  // read the request + write the response
constexpr auto kKeepAliveIdle =
    std::chrono::seconds(2);  // wait for the next request on a connection
constexpr auto kStopCheck =
    std::chrono::milliseconds(200);             // how often a waiting worker checks stop()
constexpr size_t kMaxRequestBytes = 16 * 1024;  // request line + headers + body (GETs only)
constexpr size_t kMaxRequestsPerConnection = 32;
constexpr size_t kMaxWorkers = 256;          // connections served at once; more wait
constexpr size_t kWorkerStack = 512 * 1024;  // handlers are shallow; 256 x 8 MiB would not be

// A socket stream whose every wait ends at the request's deadline (not at a
// per-read timeout a trickle keeps resetting), that refuses to hand out more
// than kMaxRequestBytes per request, and that gives up when the server stops.
class DeadlineStream final : public httplib::Stream {
 public:
  DeadlineStream(int fd, const httplib::Server& server) : fd_(fd), server_(server) {}

  void startRequest(SteadyClock::time_point deadline) {
    deadline_ = deadline;
    consumed_ = 0;
  }
  bool buffered() const { return begin_ < end_; }
  // Waits until `events` are possible on the socket, the deadline passes or the
  // server stops.
  bool wait(short events, SteadyClock::time_point until) const {
    while (server_.is_running()) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - SteadyClock::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_, events, 0};
      int r = ::poll(&p, 1, int(std::min<std::chrono::milliseconds>(left, kStopCheck).count()));
      if (r > 0) return true;
      if (r < 0 && errno != EINTR) return false;
    }
    return false;
  }

  bool is_readable() const override { return buffered() || wait(POLLIN, deadline_); }
  bool is_writable() const override { return wait(POLLOUT, deadline_); }

  ssize_t read(char* ptr, size_t size) override {
    if (consumed_ >= kMaxRequestBytes) return -1;  // oversized request: drop the connection
    if (!buffered()) {
      if (!wait(POLLIN, deadline_)) return -1;
      ssize_t n = ::recv(fd_, buf_, sizeof buf_, 0);
      if (n <= 0) return n;
      begin_ = 0;
      end_ = size_t(n);
    }
    size_t n = std::min({size, end_ - begin_, kMaxRequestBytes - consumed_});
    std::memcpy(ptr, buf_ + begin_, n);
    begin_ += n;
    consumed_ += n;
    return ssize_t(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    size_t done = 0;
    while (done < size) {
      if (!wait(POLLOUT, deadline_)) return -1;
      ssize_t n = ::send(fd_, ptr + done, size - done, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return -1;
      done += size_t(n);
    }
    return ssize_t(done);
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    address(true, ip, port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    address(false, ip, port);
  }
  socket_t socket() const override { return fd_; }

 private:
  void address(bool remote, std::string& ip, int& port) const {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    auto* sa = reinterpret_cast<sockaddr*>(&ss);
    if ((remote ? ::getpeername(fd_, sa, &len) : ::getsockname(fd_, sa, &len)) != 0) return;
    char text[INET6_ADDRSTRLEN] = {};
    if (ss.ss_family == AF_INET) {
      auto* in = reinterpret_cast<sockaddr_in*>(&ss);
      ::inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
      port = ntohs(in->sin_port);
    } else if (ss.ss_family == AF_INET6) {
      auto* in6 = reinterpret_cast<sockaddr_in6*>(&ss);
      ::inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
      port = ntohs(in6->sin6_port);
    }
    ip = text;
  }

  int fd_;
  const httplib::Server& server_;
  SteadyClock::time_point deadline_{};
  size_t consumed_ = 0;
  char buf_[4096];
  size_t begin_ = 0, end_ = 0;
};

// Workers are started on demand (up to kMaxWorkers, with small stacks) so that
// idle and slow connections, each holding one until its deadline, never leave
// a probe waiting in the queue. Workers stay until shutdown.
class GrowingPool final : public httplib::TaskQueue {
 public:
  ~GrowingPool() override { shutdown(); }

  void enqueue(std::function<void()> fn) override {
    std::lock_guard lock(mu_);
    jobs_.push_back(std::move(fn));
    if (jobs_.size() > idle_ && threads_.size() < kMaxWorkers) start();
    cv_.notify_one();
  }

  void shutdown() override {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      stopping_ = true;
    }
    cv_.notify_all();
    for (pthread_t t : threads_) ::pthread_join(t, nullptr);
  }

 private:
  void start() {  // with mu_ held
    pthread_attr_t attr;
    ::pthread_attr_init(&attr);
    ::pthread_attr_setstacksize(&attr, kWorkerStack);
    pthread_t t;
    if (::pthread_create(&t, &attr, &GrowingPool::main, this) == 0) threads_.push_back(t);
    ::pthread_attr_destroy(&attr);
  }
  static void* main(void* self) {
    static_cast<GrowingPool*>(self)->work();
    return nullptr;
  }
  void work() {
    std::unique_lock lock(mu_);
    while (true) {
      ++idle_;
      cv_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      --idle_;
      if (jobs_.empty()) return;  // stopping, nothing left
      auto fn = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      fn();
      lock.lock();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  std::vector<pthread_t> threads_;
  size_t idle_ = 0;
  bool stopping_ = false;
};

// cpp-httplib with the bounds above: its connection handling replaced by one
// that reads each request through a DeadlineStream.
class BoundedServer final : public httplib::Server {
 public:
  BoundedServer() {
    new_task_queue = [] { return new GrowingPool; };
    set_payload_max_length(kMaxRequestBytes);
    set_keep_alive_max_count(kMaxRequestsPerConnection);
  }

  // cpp-httplib listens with a backlog of 5: with more connections arriving
  // at once the kernel drops a probe's SYN and the client retries it only a
  // second later. Linux takes a second listen() as a new backlog.
  void widenBacklog() { ::listen(svr_sock_, SOMAXCONN); }

 private:
  bool process_and_close_socket(socket_t sock) override {
    DeadlineStream stream(sock, *this);
    bool ok = true;
    for (size_t n = 0; n < kMaxRequestsPerConnection; ++n) {
      // The first request's deadline starts at accept; a kept-alive connection
      // may sit idle for kKeepAliveIdle, then the next request has its own.
      auto now = SteadyClock::now();
      if (n > 0 && !stream.buffered() && !stream.wait(POLLIN, now + kKeepAliveIdle)) break;
      stream.startRequest((n == 0 ? now : SteadyClock::now()) + kRequestDeadline);
      bool closed = false;
      ok = process_request(stream, n + 1 == kMaxRequestsPerConnection, closed, nullptr);
      if (!ok || closed) break;
    }
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
    return ok;
  }
};

}  // namespace

Result<ListenAddress> parseListen(const std::string& spec) {
  auto a = parseHostPort(spec, PortRule::kRequired);
  if (!a) return Error::permanent(fmt::format("listen \"{}\": {}", spec, a.error().message));
  return ListenAddress{a->ip.str(), a->port};
}

DaemonHttp::DaemonHttp(DaemonMetrics& metrics, StatusBoard& status, Clock& clock)
    : metrics_(metrics),
      status_(status),
      clock_(clock),
      server_(std::make_unique<BoundedServer>()) {
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
  server_->Get("/status", [this](const httplib::Request& req, httplib::Response& res) {
    if (prefersHtml(req.get_header_value("Accept"))) return servePage(res);  // a browser
    res.set_header("Vary", "Accept");
    res.set_content(status_.statusJson(), "application/json");
  });
  addStatusPageRoutes(*server_, status_);
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
  static_cast<BoundedServer&>(*server_).widenBacklog();
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return okStatus();
}

void DaemonHttp::stop() {
  if (!thread_.joinable()) return;
  server_->stop();
  thread_.join();
}

}  // namespace ptrd
