// ptrd validate PATH...: load mapping files and report like the portal's bulk
// preview (valid, invalid, duplicates, per source) plus every error as
// file:line:col: reason. Exit 0 when everything is valid, 1 on any error.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "cmd/commands.h"
#include "reconciler/mapping_loader.h"

namespace ptrd::cmd {
namespace {

struct ValidateOptions {
  std::vector<std::string> paths;
  std::string output = "text";
  uint64_t maxRangeSize = LoadOptions{}.maxRangeSize;
};

std::vector<Diagnostic> allErrors(const DesiredState& d) {
  std::vector<Diagnostic> errors = d.fileErrors;
  for (const auto& inv : d.invalid) errors.push_back(inv.diagnostic);
  return errors;
}

uint64_t totalValid(const DesiredState& d) {
  uint64_t n = 0;
  for (const auto& s : d.sources) n += s.valid;
  return n;
}

void printText(const DesiredState& d) {
  for (const auto& e : allErrors(d)) fmt::print("{}\n", e.str());
  for (const auto& s : d.sources) {
    fmt::print("{} ({}): {} valid, {} invalid, {} duplicates\n", s.file, s.name, s.valid, s.invalid,
               s.duplicates);
  }
  fmt::print("total: {} valid, {} invalid, {} duplicates, {} file errors; {} addresses declared\n",
             totalValid(d), d.invalid.size(), d.duplicates(), d.fileErrors.size(), d.records.size());
}

void printJson(const DesiredState& d) {
  nlohmann::json sources = nlohmann::json::array();
  for (const auto& s : d.sources) {
    sources.push_back({{"file", s.file}, {"name", s.name}, {"valid", s.valid}, {"invalid", s.invalid},
                       {"duplicates", s.duplicates}});
  }
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& e : allErrors(d)) {
    errors.push_back({{"file", e.where.file}, {"line", e.where.line}, {"column", e.where.column},
                      {"message", e.reason}, {"text", e.str()}});
  }
  nlohmann::json out = {{"ok", !d.hasErrors()},
                        {"valid", totalValid(d)},
                        {"invalid", d.invalid.size()},
                        {"duplicates", d.duplicates()},
                        {"file_errors", d.fileErrors.size()},
                        {"addresses", d.records.size()},
                        {"sources", sources},
                        {"errors", errors}};
  // Names and reasons echo the file's bytes: non-UTF-8 ones become U+FFFD.
  fmt::print("{}\n", out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace

void addValidateCommand(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<ValidateOptions>();
  auto* sub = app.add_subcommand("validate", "Load mapping files and report counts and every error");
  sub->add_option("paths", opts->paths, "Mapping files (*.yaml, *.yml, *.txt, *.csv) or directories")
      ->required();
  sub->add_option("-o,--output", opts->output, "Output format")->check(CLI::IsMember({"text", "json"}));
  sub->add_option("--max-range-size", opts->maxRangeSize,
                  "Refuse ranges with more addresses than this instead of expanding them");
  sub->callback([opts, &exit_code] {
    DesiredState desired = loadMappings(opts->paths, LoadOptions{opts->maxRangeSize});
    if (opts->output == "json") {
      printJson(desired);
    } else {
      printText(desired);
    }
    exit_code = desired.hasErrors() ? 1 : 0;
  });
}

}  // namespace ptrd::cmd
