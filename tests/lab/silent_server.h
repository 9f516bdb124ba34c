// SilentServer: a UDP socket on 127.0.0.1 that receives DNS queries and never
// answers, so a client's timeout path can be tested against a real socket.
#pragma once

#include <string>

namespace ptrd::lab {

class SilentServer {
 public:
  SilentServer();  // binds 127.0.0.1 on a kernel-chosen port; throws on failure
  ~SilentServer();
  SilentServer(const SilentServer&) = delete;
  SilentServer& operator=(const SilentServer&) = delete;

  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace ptrd::lab
