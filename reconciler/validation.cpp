#include "reconciler/validation.h"

#include <filesystem>
#include <regex>
#include <set>

#include "reconciler/config.h"
#include "reconciler/input_file.h"
#include "reconciler/mapping_walk.h"

namespace ptrd {
namespace {

// The key sits at column 0 of a block mapping; quotes and a comment may follow.
const std::regex& configKindLine() {
  static const std::regex kLine(R"((^|\n)kind:[ \t]*(["']?)ReconcilerConfig\2[ \t]*(#[^\n]*)?(\r?\n|$))");
  return kLine;
}

// One name per real file, so a file reached twice (directly and through a
// config's mapping folder) is loaded once instead of counting as duplicates.
std::string identity(const std::string& path) {
  std::error_code ec;
  auto canonical = std::filesystem::weakly_canonical(path, ec);
  return ec ? path : canonical.string();
}

}  // namespace

bool looksLikeReconcilerConfig(const std::string& text) {
  return std::regex_search(text, configKindLine());
}

bool Validation::ok() const {
  for (const auto& c : configs) {
    if (!c.errors.empty()) return false;
  }
  return !mappings.hasErrors();
}

Validation validatePaths(const std::vector<std::string>& paths, const LoadOptions& options) {
  Validation out;
  MappingFileList listed = listMappingFiles(paths);
  std::vector<Diagnostic> listingErrors = std::move(listed.errors);

  std::vector<std::string> mappingFiles;
  for (const auto& file : listed.files) {
    // Configs are small; anything larger than a config may be is a mapping file.
    auto text = isYamlMappingFile(file)
                    ? readInputFile(file, ReadLimits{kMaxConfigBytes, kMaxTornReadTries, "config file"})
                    : Result<std::string>(Error::permanent("not YAML"));
    if (!text || !looksLikeReconcilerConfig(*text)) {
      mappingFiles.push_back(file);
      continue;
    }
    ConfigCheck check{file, {}, {}};
    ReconcilerConfig config = parseConfig(*text, file, check.errors);
    check.mappings = config.mappings;  // what could be read of them, even with errors elsewhere
    out.configs.push_back(std::move(check));
  }

  for (const auto& c : out.configs) {
    if (c.mappings.empty()) continue;
    MappingFileList named = listMappingFiles(c.mappings);
    mappingFiles.insert(mappingFiles.end(), named.files.begin(), named.files.end());
    listingErrors.insert(listingErrors.end(), named.errors.begin(), named.errors.end());
  }
  std::set<std::string> seen;
  std::vector<std::string> unique;
  for (auto& f : mappingFiles) {
    if (seen.insert(identity(f)).second) unique.push_back(std::move(f));
  }

  out.mappings = unique.empty() ? DesiredState{} : loadMappings(unique, options);
  out.mappings.fileErrors.insert(out.mappings.fileErrors.begin(), listingErrors.begin(),
                                 listingErrors.end());
  return out;
}

}  // namespace ptrd
