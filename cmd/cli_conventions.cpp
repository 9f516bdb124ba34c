#include "cmd/cli_conventions.h"

#include <fmt/format.h>

#include <algorithm>

namespace ptrd::cmd {
namespace {

// Levenshtein distance; words here are command names, a few letters long.
size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

void captureDefaults(CLI::App& app) {
  for (CLI::Option* opt : app.get_options()) {
    // Flags show nothing (off unless given); a required option has no default.
    if (opt->get_expected_min() == 0 || opt->get_required()) continue;
    opt->capture_default_str();
    // An empty list prints as "[]", which says nothing: the text says what applies.
    if (opt->get_default_str() == "[]") opt->default_str("");
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) captureDefaults(*sub);
}

}  // namespace

void applyCliConventions(CLI::App& app) {
  // CLI11 names the app after argv[0] only when no name is set: a build path or
  // a symlink name would otherwise show in every "Usage:" line.
  app.name("ptrd");
  captureDefaults(app);
}

std::optional<std::string> nearestWord(std::string_view word,
                                       const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  size_t bestDistance = 0;
  for (const auto& c : candidates) {
    const size_t d = editDistance(word, c);
    if (!best || d < bestDistance) best = c, bestDistance = d;
  }
  // A typo changes a letter or two; beyond half the word it is another word.
  if (!best || bestDistance > std::max<size_t>(2, word.size() / 2)) return std::nullopt;
  return best;
}

std::optional<std::string> unknownCommand(CLI::App& app, int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.empty() || arg.front() == '-') continue;  // the app's own options take no value
    std::vector<std::string> names;
    for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
      if (sub->get_name() == arg) return std::nullopt;
      names.push_back(sub->get_name());
    }
    std::string msg = fmt::format("unknown command \"{}\"", arg);
    if (auto near = nearestWord(arg, names)) msg += fmt::format("; did you mean \"{}\"?", *near);
    return msg + " (ptrd --help lists the commands)";
  }
  return std::nullopt;
}

}  // namespace ptrd::cmd
