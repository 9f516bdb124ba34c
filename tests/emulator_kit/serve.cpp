#include "tests/emulator_kit/serve.h"

#include <pthread.h>

#include <cctype>
#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace ptrd::emulator_kit {

std::string readSecret(const std::string& path) {
  if (path.empty()) return {};
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

int serve(const std::string& name, int port, const std::function<Served()>& make) {
  // Blocked before any thread starts, so only the waiting thread below takes them.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
  try {
    Served server = make();
    int bound = server.bind(port);
    if (bound <= 0) throw std::runtime_error("cannot bind 127.0.0.1:" + std::to_string(port));
    std::thread signals([&] {
      int sig = 0;
      sigwait(&sigs, &sig);
      server.stop();
    });
    std::cout << "listening on 127.0.0.1:" << bound << std::endl;
    server.listen();
    pthread_kill(signals.native_handle(), SIGTERM);  // a listen that ended on its own
    signals.join();
  } catch (const std::exception& e) {
    std::cerr << name << ": " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace ptrd::emulator_kit
