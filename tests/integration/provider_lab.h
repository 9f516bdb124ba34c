// Shared bits of the provider integration tests: a thread-safe request
// observer, and a PTR lookup through real DNS (dig against the lab PowerDNS on
// loopback; never the system resolver).
#pragma once

#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "providers/provider.h"
#include "tests/lab/child_process.h"

namespace ptrd::testing {

struct ObservedRequests {
  std::mutex mu;
  std::vector<std::pair<std::string, int>> seen;

  providers::RequestObserver observer() {
    return [this](const std::string& op, int code) {
      std::lock_guard lock(mu);
      seen.emplace_back(op, code);
    };
  }
  int count(const std::string& op, int code = -1) {
    std::lock_guard lock(mu);
    int n = 0;
    for (const auto& [o, c] : seen) n += o == op && (code < 0 || c == code);
    return n;
  }
};

// The PTR names DNS serves for ip, one per line as dig +short prints them.
inline std::string digPtr(int port, const std::string& ip, const std::string& scratch) {
  auto r = lab::runCommand(
      {"dig", "@127.0.0.1", "-p", std::to_string(port), "-x", ip, "+short", "+time=2", "+tries=2"},
      scratch);
  std::string out = r.out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

}  // namespace ptrd::testing
