#include "tests/lab/silent_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace ptrd::lab {

SilentServer::SilentServer() {
  fd_ = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd_ < 0) throw std::runtime_error("SilentServer: socket failed");
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(sa);
  // Port 0: the kernel picks a free one and the socket keeps it, so there is no
  // window in which another process could take it.
  if (bind(fd_, reinterpret_cast<sockaddr*>(&sa), len) != 0 ||
      getsockname(fd_, reinterpret_cast<sockaddr*>(&sa), &len) != 0) {
    close(fd_);
    throw std::runtime_error("SilentServer: bind failed");
  }
  port_ = ntohs(sa.sin_port);
}

SilentServer::~SilentServer() {
  if (fd_ >= 0) close(fd_);
}

}  // namespace ptrd::lab
