// What an emulator's main() does around its server, once for all of them:
// read a secret file, and serve on 127.0.0.1 until SIGTERM or SIGINT.
//
//   std::unique_ptr<ApiServer> server;                // outlives serve()
//   return emulator_kit::serve("vultr-emulator", port, [&] {
//     server = std::make_unique<ApiServer>(...);        // may throw
//     return emulator_kit::servedBy(*server);           // bind(port), listen(), stop()
//   });
#pragma once

#include <functional>
#include <string>

namespace ptrd::emulator_kit {

// The file's content without trailing white space; "" for an empty path.
// Throws std::runtime_error when the file cannot be read.
std::string readSecret(const std::string& path);

// The calls serve() makes on a server.
struct Served {
  std::function<int(int port)> bind;  // the bound port, or <= 0
  std::function<void()> listen;       // returns once stop() was called
  std::function<void()> stop;
};

// The Served calls on a server with bind(port), listen() and stop(); the server
// must outlive them.
template <typename Server>
Served servedBy(Server& server) {
  return Served{[&server](int port) { return server.bind(port); }, [&server] { server.listen(); },
                [&server] { server.stop(); }};
}

// Blocks SIGTERM/SIGINT, builds the server through make (which may throw),
// binds it, prints "listening on 127.0.0.1:PORT" and serves until a signal.
// Returns main()'s exit status; errors go to stderr prefixed with name.
int serve(const std::string& name, int port, const std::function<Served()>& make);

}  // namespace ptrd::emulator_kit
