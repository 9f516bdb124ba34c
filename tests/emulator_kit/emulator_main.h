// What an emulator's main() does around its server: read secrets from files,
// and serve on 127.0.0.1 until SIGTERM or SIGINT, printing the line the lab
// waits for ("listening on 127.0.0.1:PORT").
//
//   SignalStop stop;                       // first: blocks the signals for every thread
//   ApiServer server(...);
//   stop.serve(server, port);              // throws when it cannot bind
#pragma once

#include <pthread.h>

#include <cctype>
#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

namespace ptrd::emulator_kit {

// The file's content without trailing white space; "" for an empty path.
inline std::string readSecretFile(const std::string& path) {
  if (path.empty()) return {};
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

class SignalStop {
 public:
  // Before any thread starts, so that only serve()'s waiter takes the signals.
  SignalStop() {
    sigemptyset(&sigs_);
    sigaddset(&sigs_, SIGTERM);
    sigaddset(&sigs_, SIGINT);
    pthread_sigmask(SIG_BLOCK, &sigs_, nullptr);
  }

  // Server: bind(port) -> bound port or <= 0, listen(), stop().
  template <typename Server>
  void serve(Server& server, int port) {
    int bound = server.bind(port);
    if (bound <= 0) throw std::runtime_error("cannot bind 127.0.0.1:" + std::to_string(port));
    std::thread signals([&] {
      int sig = 0;
      sigwait(&sigs_, &sig);
      server.stop();
    });
    std::cout << "listening on 127.0.0.1:" << bound << std::endl;
    server.listen();
    pthread_kill(signals.native_handle(), SIGTERM);
    signals.join();
  }

 private:
  sigset_t sigs_;
};

}  // namespace ptrd::emulator_kit
