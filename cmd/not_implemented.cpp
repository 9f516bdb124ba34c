// Subcommands whose issue has not landed yet: they exist so --help lists them,
// and answer "not implemented yet" with exit status 1. Each moves to its own file
// when implemented.
#include <fmt/format.h>

#include "cmd/commands.h"

namespace ptrd::cmd {
namespace {

[[maybe_unused]] void addPlaceholder(CLI::App& app, int& exit_code, const char* name, const char* help) {
  auto* sub = app.add_subcommand(name, help);
  sub->allow_extras();
  sub->callback([&exit_code, name] {
    fmt::print(stderr, "ptrd {}: not implemented yet\n", name);
    exit_code = 1;
  });
}

}  // namespace

}  // namespace ptrd::cmd
