#include <fmt/format.h>

#include "cmd/commands.h"
#include "cmd/version.h"

namespace ptrd::cmd {

void addVersionCommand(CLI::App& app, int& exit_code) {
  auto* sub = app.add_subcommand("version", "Print the version of ptrd");
  sub->callback([&exit_code] {
    fmt::print("ptrd {}\n", PTRD_VERSION);
    exit_code = 0;
  });
}

}  // namespace ptrd::cmd
