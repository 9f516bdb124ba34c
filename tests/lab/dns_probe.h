// A one-shot DNS probe for readiness checks: sends one SOA query over UDP and
// waits for any reply to it (whatever its rcode: a server that answers is up).
#pragma once

#include <chrono>
#include <string>

namespace ptrd::lab {

// True if `ip`:`port` replied to a SOA query for `zone` within `wait`.
bool answersDns(const std::string& ip, int port, const std::string& zone,
                std::chrono::milliseconds wait);

// Calls answersDns until it succeeds, `still_starting` returns false, or the
// deadline passes. Returns whether the server answered.
template <typename StillStarting>
bool waitUntilAnswering(const std::string& ip, int port, const std::string& zone,
                        std::chrono::milliseconds limit, StillStarting still_starting) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (answersDns(ip, port, zone, std::chrono::milliseconds(100))) return true;
    if (!still_starting()) return false;
  }
  return false;
}

}  // namespace ptrd::lab
