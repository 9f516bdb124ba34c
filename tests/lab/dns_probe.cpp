#include "tests/lab/dns_probe.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <vector>

namespace ptrd::lab {

bool answersDns(const std::string& ip, int port, const std::string& zone,
                std::chrono::milliseconds wait) {
  bool v6 = ip.find(':') != std::string::npos;
  int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return false;
  sockaddr_storage ss{};
  socklen_t len = 0;
  if (v6) {
    auto* s6 = reinterpret_cast<sockaddr_in6*>(&ss);
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons(uint16_t(port));
    inet_pton(AF_INET6, ip.c_str(), &s6->sin6_addr);
    len = sizeof(*s6);
  } else {
    auto* s4 = reinterpret_cast<sockaddr_in*>(&ss);
    s4->sin_family = AF_INET;
    s4->sin_port = htons(uint16_t(port));
    inet_pton(AF_INET, ip.c_str(), &s4->sin_addr);
    len = sizeof(*s4);
  }
  // Header: id 0x5054 ("PT"), no flags, one question.
  std::vector<uint8_t> q = {0x50, 0x54, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0};
  size_t start = 0;
  std::string name = zone;
  if (!name.empty() && name.back() == '.') name.pop_back();
  while (start <= name.size() && !name.empty()) {
    size_t dot = name.find('.', start);
    if (dot == std::string::npos) dot = name.size();
    q.push_back(uint8_t(dot - start));
    q.insert(q.end(), name.begin() + long(start), name.begin() + long(dot));
    start = dot + 1;
  }
  q.insert(q.end(), {0, 0, 6, 0, 1});  // root, type SOA, class IN
  bool ok = false;
  if (sendto(fd, q.data(), q.size(), 0, reinterpret_cast<sockaddr*>(&ss), len) ==
      ssize_t(q.size())) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, int(wait.count())) == 1) {
      uint8_t reply[512];
      ssize_t n = recv(fd, reply, sizeof(reply), 0);
      ok = n >= 12 && reply[0] == 0x50 && reply[1] == 0x54;
    }
  }
  close(fd);
  return ok;
}

}  // namespace ptrd::lab
