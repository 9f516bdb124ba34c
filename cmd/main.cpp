#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cmd/version.h"

int main(int argc, char** argv) {
  CLI::App app{"ptrd keeps reverse DNS (PTR records) equal to what a Git repository declares"};
  app.require_subcommand(1);
  auto* version = app.add_subcommand("version", "print the version");
  version->callback([] { fmt::print("ptrd {}\n", PTRD_VERSION); });
  CLI11_PARSE(app, argc, argv);
  return 0;
}
