#include "reconciler/mapping_loader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "reconciler/bulk_mappings.h"
#include "reconciler/desired_state_builder.h"
#include "reconciler/mapping_document.h"

namespace ptrd {
namespace {

namespace fs = std::filesystem;

bool isYaml(const fs::path& p) { return p.extension() == ".yaml" || p.extension() == ".yml"; }
bool isBulk(const fs::path& p) { return p.extension() == ".txt" || p.extension() == ".csv"; }

bool readWholeFile(const std::string& path, std::string& out, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = fmt::format("cannot read: {}", std::strerror(errno));
    return false;
  }
  in.seekg(0, std::ios::end);
  auto size = in.tellg();
  in.seekg(0, std::ios::beg);
  out.resize(size > 0 ? size_t(size) : 0);
  if (size > 0 && !in.read(out.data(), size)) {
    error = "read failed";
    return false;
  }
  return true;
}

void walkDirectory(const fs::path& dir, std::vector<std::string>& files, std::vector<Diagnostic>& errors) {
  std::error_code ec;
  std::vector<fs::path> entries;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename().string().starts_with('.')) continue;  // hidden, ConfigMap ..data
    entries.push_back(it->path());
  }
  if (ec) {
    errors.push_back(Diagnostic{SourceLocation{dir.string(), 0, 0}, fmt::format("cannot list directory: {}", ec.message())});
    return;
  }
  std::sort(entries.begin(), entries.end());
  for (const auto& p : entries) {
    if (fs::is_directory(p, ec)) {
      walkDirectory(p, files, errors);
    } else if (isYaml(p) || isBulk(p)) {
      files.push_back(p.string());
    }
  }
}

}  // namespace

MappingFileList listMappingFiles(const std::vector<std::string>& paths) {
  MappingFileList list;
  for (const auto& path : paths) {
    std::error_code ec;
    auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      list.errors.push_back(Diagnostic{SourceLocation{path, 0, 0}, "no such file or directory"});
    } else if (fs::is_directory(status)) {
      walkDirectory(path, list.files, list.errors);
    } else {
      // A file named explicitly is read whatever its extension: YAML unless it is
      // a .txt/.csv bulk file.
      list.files.push_back(path);
    }
  }
  return list;
}

DesiredState loadMappings(const std::vector<std::string>& paths, const LoadOptions& options) {
  DesiredStateBuilder builder;
  MappingFileList list = listMappingFiles(paths);
  for (auto& e : list.errors) builder.addFileError(std::move(e.where), std::move(e.reason));
  std::string text;
  for (const auto& file : list.files) {
    std::string error;
    if (!readWholeFile(file, text, error)) {
      builder.addFileError(SourceLocation{file, 0, 0}, error);
      continue;
    }
    if (isBulk(file)) {
      uint32_t source = builder.addSource(file, fs::path(file).filename().string());
      BulkOrigin origin;
      origin.file = file;
      origin.csvHeaderAllowed = fs::path(file).extension() == ".csv";
      addBulkMappings(text, origin, source, builder);
    } else {
      loadMappingYaml(file, text, options, builder);
    }
  }
  return std::move(builder).finish();
}

}  // namespace ptrd
