// Ports for lab servers, chosen by the kernel so parallel test processes never
// collide on a fixed number.
//
// The kernel hands out an unused ephemeral port (bind to port 0); the port is
// released again before the server binds it, so another process may grab it in
// between. Launchers therefore treat "address in use" as "pick another port and
// retry" rather than as a failure.
#pragma once

#include <string>
#include <vector>

namespace ptrd::lab {

// A port that was free for both UDP and TCP on every given address (IP literals,
// e.g. {"127.0.0.1", "::1"}) at the time of the call. Throws std::runtime_error
// when the kernel gives none.
int freePort(const std::vector<std::string>& addresses = {"127.0.0.1"});

}  // namespace ptrd::lab
