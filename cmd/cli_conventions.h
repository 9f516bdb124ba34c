// CLI conventions every ptrd command follows:
//   - usage lines name the program `ptrd`, whatever path started it;
//   - every option that takes a value shows its default in --help ("[5]");
//   - an unknown command is named, with the nearest real one suggested.
//
//   applyCliConventions(app);     // after every subcommand and option is added
//   if (auto msg = unknownCommand(app, argc, argv)) { print(*msg); return 1; }
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ptrd::cmd {

void applyCliConventions(CLI::App& app);

// The error for a first non-option argument that names no subcommand, e.g.
//   unknown command "plna"; did you mean "plan"? (ptrd --help lists the commands)
// or nullopt when argv names a real subcommand (or none: CLI11 reports that).
std::optional<std::string> unknownCommand(CLI::App& app, int argc, const char* const* argv);

// The candidate closest to word by edit distance, if close enough to be a typo.
std::optional<std::string> nearestWord(std::string_view word,
                                       const std::vector<std::string>& candidates);

}  // namespace ptrd::cmd
