// The libcurl client against a server on loopback that never answers: a stop
// request (SIGTERM in the daemon) must end the transfer, not the request timeout.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "providers/http/http_client.h"

namespace ptrd::providers::http {
namespace {

using namespace std::chrono_literals;

// A stop flag the test flips, as the daemon's SIGTERM handler does.
class FlagWait final : public ProviderWait {
 public:
  TimePoint now() override { return std::chrono::steady_clock::now(); }
  bool waitFor(std::chrono::milliseconds) override { return stop.load(); }
  bool stopRequested() override { return stop.load(); }
  std::atomic<bool> stop{false};
};

// Holds every request until released; counts the ones that arrived.
class HangingServer {
 public:
  HangingServer() {
    server_.Get("/hang", [this](const httplib::Request&, httplib::Response& res) {
      std::unique_lock lock(mu_);
      ++arrived_;
      arrivedCv_.notify_all();
      releaseCv_.wait(lock, [this] { return released_; });
      res.set_content("late", "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~HangingServer() {
    {
      std::lock_guard lock(mu_);
      released_ = true;
    }
    releaseCv_.notify_all();
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hang"; }
  // Waits (with a deadline) until a request has reached the handler.
  bool awaitArrival(std::chrono::seconds deadline) {
    std::unique_lock lock(mu_);
    return arrivedCv_.wait_for(lock, deadline, [this] { return arrived_ > 0; });
  }
  bool released() {
    std::lock_guard lock(mu_);
    return released_;
  }

 private:
  httplib::Server server_;
  int port_ = -1;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable arrivedCv_, releaseCv_;
  int arrived_ = 0;
  bool released_ = false;
};

TEST(CurlClientStop, AStopRequestEndsAHungTransferBeforeItsTimeout) {
  HangingServer server;
  auto wait = std::make_shared<FlagWait>();
  CurlOptions options;
  options.timeout = 10min;  // the stop, not the timeout, must end it
  options.stop = wait;
  options.stopGrace = 0ms;  // (the daemon's: 5 s for an answer on its way)
  auto client = makeCurlClient(options);

  Request request;
  request.operation = "hang";
  request.url = server.url();
  std::optional<Result<Response>> result;
  std::thread caller([&] { result.emplace(client->send(request)); });
  ASSERT_TRUE(server.awaitArrival(30s)) << "the request never reached the server";
  wait->stop = true;
  caller.join();  // returns once libcurl's progress callback sees the stop

  ASSERT_TRUE(result.has_value());
  ASSERT_FALSE(result->ok());
  EXPECT_FALSE(server.released());  // the server never answered: the stop ended it
  const std::string message = result->error().message;
  EXPECT_NE(message.find(kStoppedReason), std::string::npos) << message;
  EXPECT_NE(message.find("GET /hang"), std::string::npos) << message;
}

}  // namespace
}  // namespace ptrd::providers::http
