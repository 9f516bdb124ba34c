#include "tests/lab/free_port.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

namespace ptrd::lab {
namespace {

// Binds a socket of `type` to addr:port; returns the bound port or 0 on failure.
// The socket is closed before returning.
int tryBind(const std::string& addr, int type, int port) {
  sockaddr_storage ss{};
  socklen_t len = 0;
  int family = AF_INET;
  if (addr.find(':') != std::string::npos) {
    family = AF_INET6;
    auto* s6 = reinterpret_cast<sockaddr_in6*>(&ss);
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons(uint16_t(port));
    if (inet_pton(AF_INET6, addr.c_str(), &s6->sin6_addr) != 1)
      throw std::runtime_error("bad address " + addr);
    len = sizeof(sockaddr_in6);
  } else {
    auto* s4 = reinterpret_cast<sockaddr_in*>(&ss);
    s4->sin_family = AF_INET;
    s4->sin_port = htons(uint16_t(port));
    if (inet_pton(AF_INET, addr.c_str(), &s4->sin_addr) != 1)
      throw std::runtime_error("bad address " + addr);
    len = sizeof(sockaddr_in);
  }
  int fd = socket(family, type, 0);
  if (fd < 0) return 0;
  int bound = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) == 0) {
    bound = family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port)
                               : ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  }
  close(fd);
  return bound;
}

}  // namespace

int freePort(const std::vector<std::string>& addresses) {
  if (addresses.empty()) throw std::runtime_error("freePort: no address");
  for (int attempt = 0; attempt < 100; ++attempt) {
    int port = tryBind(addresses.front(), SOCK_DGRAM, 0);
    if (port == 0) continue;
    bool all = true;
    for (const auto& a : addresses) {
      all = all && tryBind(a, SOCK_DGRAM, port) == port && tryBind(a, SOCK_STREAM, port) == port;
    }
    if (all) return port;
  }
  throw std::runtime_error("freePort: the kernel gave no port free for UDP and TCP");
}

}  // namespace ptrd::lab
