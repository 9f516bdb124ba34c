#include "reconciler/config/validation.h"

#include <filesystem>
#include <set>
#include <string_view>

#include "reconciler/config/config.h"
#include "reconciler/source/input_file.h"
#include "reconciler/source/mapping_walk.h"

namespace ptrd {
namespace {

// `kind: ReconcilerConfig` on one line at column 0 (a top-level key of a block
// mapping), optionally quoted, optionally followed by a comment.
bool isConfigKindLine(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  constexpr std::string_view kKey = "kind:";
  if (!line.starts_with(kKey)) return false;
  line.remove_prefix(kKey.size());
  auto skipBlanks = [&line] {
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
  };
  skipBlanks();
  char quote = 0;
  if (!line.empty() && (line.front() == '"' || line.front() == '\'')) {
    quote = line.front();
    line.remove_prefix(1);
  }
  constexpr std::string_view kKind = "ReconcilerConfig";
  if (!line.starts_with(kKind)) return false;
  line.remove_prefix(kKind.size());
  if (quote != 0) {
    if (line.empty() || line.front() != quote) return false;
    line.remove_prefix(1);
  }
  skipBlanks();
  return line.empty() || line.front() == '#';
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
  std::string_view rest = text;
  while (!rest.empty()) {
    const size_t end = rest.find('\n');
    if (isConfigKindLine(rest.substr(0, end))) return true;
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  return false;
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
    auto text =
        isYamlMappingFile(file)
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
