// ptrd validate PATH...: load mapping files and report like the portal's bulk
// preview (valid, invalid, duplicates, per source) plus every error as
// file:line:col: reason. ReconcilerConfig files among the paths are checked as
// strictly as plan reads them (reconciler/config/validation.h). Exit 0 when everything
// is valid, 1 on any error.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "cmd/commands.h"
#include "reconciler/config/validation.h"

namespace ptrd::cmd {
namespace {

struct ValidateOptions {
  std::vector<std::string> paths;
  std::string output = "text";
  uint64_t maxRangeSize = LoadOptions{}.maxRangeSize;
};

std::vector<Diagnostic> allErrors(const Validation& v) {
  std::vector<Diagnostic> errors;
  for (const auto& c : v.configs) errors.insert(errors.end(), c.errors.begin(), c.errors.end());
  const DesiredState& d = v.mappings;
  errors.insert(errors.end(), d.fileErrors.begin(), d.fileErrors.end());
  for (const auto& inv : d.invalid) errors.push_back(inv.diagnostic);
  return errors;
}

uint64_t totalValid(const DesiredState& d) {
  uint64_t n = 0;
  for (const auto& s : d.sources) n += s.valid;
  return n;
}

void printText(const Validation& v) {
  const DesiredState& d = v.mappings;
  for (const auto& e : allErrors(v)) fmt::print("{}\n", e.str());
  for (const auto& c : v.configs) {
    fmt::print("{} (ReconcilerConfig): {}\n", c.file,
               c.errors.empty() ? "ok" : fmt::format("{} error(s)", c.errors.size()));
  }
  for (const auto& s : d.sources) {
    fmt::print("{} ({}): {} valid, {} invalid, {} duplicates\n", s.file, s.name, s.valid, s.invalid,
               s.duplicates);
  }
  fmt::print("total: {} valid, {} invalid, {} duplicates, {} file errors; {} addresses declared\n",
             totalValid(d), d.invalid.size(), d.duplicates(), d.fileErrors.size(),
             d.records.size());
}

void printJson(const Validation& v) {
  const DesiredState& d = v.mappings;
  nlohmann::json configs = nlohmann::json::array();
  for (const auto& c : v.configs) {
    configs.push_back({{"file", c.file}, {"ok", c.errors.empty()}, {"errors", c.errors.size()}});
  }
  nlohmann::json sources = nlohmann::json::array();
  for (const auto& s : d.sources) {
    sources.push_back({{"file", s.file},
                       {"name", s.name},
                       {"valid", s.valid},
                       {"invalid", s.invalid},
                       {"duplicates", s.duplicates}});
  }
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& e : allErrors(v)) {
    errors.push_back({{"file", e.where.file},
                      {"line", e.where.line},
                      {"column", e.where.column},
                      {"message", e.reason},
                      {"text", e.str()}});
  }
  nlohmann::json out = {{"ok", v.ok()},
                        {"valid", totalValid(d)},
                        {"invalid", d.invalid.size()},
                        {"duplicates", d.duplicates()},
                        {"file_errors", d.fileErrors.size()},
                        {"addresses", d.records.size()},
                        {"sources", sources},
                        {"configs", configs},
                        {"errors", errors}};
  // Names and reasons echo the file's bytes: non-UTF-8 ones become U+FFFD.
  fmt::print("{}\n", out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace

void addValidateCommand(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<ValidateOptions>();
  auto* sub = app.add_subcommand(
      "validate", "Check mapping files and ReconcilerConfig files; report counts and every error");
  sub->add_option("paths", opts->paths,
                  "Mapping files (*.yaml, *.yml, *.txt, *.csv), ReconcilerConfig files, or "
                  "directories")
      ->required();
  sub->footer(
      "Files are told apart by `kind`. A ReconcilerConfig is checked as strictly as `plan`\n"
      "reads it, without reading its secrets or calling anything, and the mapping paths it\n"
      "names are validated too.\n"
      "\n"
      "Exit status: 0 everything valid, 1 any error.");
  sub->add_option("-o,--output", opts->output, "Output format")
      ->check(CLI::IsMember({"text", "json"}));
  sub->add_option("--max-range-size", opts->maxRangeSize,
                  "Refuse ranges with more addresses than this instead of expanding them");
  sub->callback([opts, &exit_code] {
    Validation v = validatePaths(opts->paths, LoadOptions{opts->maxRangeSize});
    if (opts->output == "json") {
      printJson(v);
    } else {
      printText(v);
    }
    exit_code = v.ok() ? 0 : 1;
  });
}

}  // namespace ptrd::cmd
