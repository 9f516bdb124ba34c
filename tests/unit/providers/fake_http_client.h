// A scripted http::Client and a fake RetryEnv for provider unit tests: no
// sockets, no real time. The handler sees each request and returns the answer.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "providers/http/http_client.h"
#include "providers/http/retry.h"

namespace ptrd::providers::testing {

class FakeClient : public http::Client {
 public:
  using Handler = std::function<Result<http::Response>(const http::Request&)>;
  explicit FakeClient(Handler h) : handler_(std::move(h)) {}
  Result<http::Response> send(const http::Request& r) override {
    requests->push_back(r);
    return handler_(r);
  }
  // Shared so a test keeps reading it after the provider took ownership.
  std::shared_ptr<std::vector<http::Request>> requests =
      std::make_shared<std::vector<http::Request>>();

 private:
  Handler handler_;
};

inline http::Response reply(int code, std::string body,
                            std::optional<int> retryAfter = std::nullopt) {
  http::Response r;
  r.code = code;
  r.body = std::move(body);
  if (retryAfter) r.retryAfter = std::chrono::seconds(*retryAfter);
  return r;
}

// Time moves only when the code under test sleeps; every sleep is recorded.
// `stopAfterSleeps` = n: a stop (SIGTERM) arrives during the n-th sleep, which
// then returns without letting the time pass, as a cancellable wait does.
struct FakeTime {
  std::chrono::steady_clock::time_point now{};
  std::vector<std::chrono::milliseconds> sleeps;
  size_t stopAfterSleeps = 0;  // 0: never
  bool stopped = false;
  std::chrono::steady_clock::time_point passDeadline = std::chrono::steady_clock::time_point::max();

  http::RetryEnv env() {
    return http::RetryEnv{[this] { return now; },
                          [this](std::chrono::milliseconds d) {
                            sleeps.push_back(d);
                            if (stopAfterSleeps != 0 && sleeps.size() >= stopAfterSleeps)
                              stopped = true;
                            if (!stopped) now += d;
                          },
                          [] { return 0.5; }, [this] { return stopped; },
                          [this] { return passDeadline; }};
  }
};

}  // namespace ptrd::providers::testing
