#include "reconciler/source/mapping_walk.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <system_error>
#include <utility>

namespace ptrd {
namespace {

namespace fs = std::filesystem;
using FileId = std::pair<dev_t, ino_t>;

class Walker {
 public:
  Walker(const WalkLimits& limits, MappingFileList& out) : limits_(limits), out_(out) {}

  void addPath(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return error(path, "no such file or directory");
    if (S_ISDIR(st.st_mode)) {
      // The same directory given twice (or inside another given one) is walked once.
      if (visited_.contains(id(st))) return;
      walk(path, st, 0);
    } else {
      // A file named explicitly is read whatever its extension or type: the reader
      // refuses what is not a regular file.
      addFile(path, st);
    }
  }

 private:
  static FileId id(const struct stat& st) { return {st.st_dev, st.st_ino}; }

  void error(const std::string& path, std::string reason) {
    out_.errors.push_back(Diagnostic{SourceLocation{path, 0, 0}, std::move(reason)});
  }

  void addFile(const std::string& path, const struct stat& st) {
    if (seenFiles_.insert(id(st)).second) out_.files.push_back(path);
  }

  void walk(const std::string& dir, const struct stat& st, size_t depth) {
    if (stopped_) return;
    if (auto a = ancestors_.find(id(st)); a != ancestors_.end()) {
      return error(dir,
                   fmt::format("a link that loops back to {} (an ancestor directory); not followed",
                               a->second));
    }
    if (!visited_.insert(id(st)).second) {
      return error(
          dir, "a link to a directory already walked (each directory is read once); not followed");
    }
    if (depth > limits_.maxDepth) {
      stopped_ = true;
      return error(dir, fmt::format("directories nest deeper than the limit of {} levels",
                                    limits_.maxDepth));
    }
    std::vector<fs::path> entries;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      if (++entries_ > limits_.maxEntries) {
        stopped_ = true;
        return error(
            dir, fmt::format("more than the limit of {} directory entries below the mapping paths",
                             limits_.maxEntries));
      }
      if (it->path().filename().string().starts_with('.')) continue;  // hidden, ConfigMap ..data
      entries.push_back(it->path());
    }
    if (ec) return error(dir, fmt::format("cannot list directory: {}", ec.message()));
    std::sort(entries.begin(), entries.end());
    ancestors_.emplace(id(st), dir);
    for (const auto& p : entries) {
      const std::string path = p.string();
      struct stat child {};
      if (::stat(path.c_str(), &child) != 0) {
        // A dangling link named like a mapping file: the reader reports it.
        if (isYamlMappingFile(path) || isBulkMappingFile(path)) out_.files.push_back(path);
      } else if (S_ISDIR(child.st_mode)) {
        walk(path, child, depth + 1);
      } else if (isYamlMappingFile(path) || isBulkMappingFile(path)) {
        addFile(path, child);
      }
    }
    ancestors_.erase(id(st));
  }

  const WalkLimits& limits_;
  MappingFileList& out_;
  std::map<FileId, std::string> ancestors_;  // the directories on the current path
  std::set<FileId> visited_;
  std::set<FileId> seenFiles_;
  size_t entries_ = 0;
  bool stopped_ = false;
};

}  // namespace

bool isYamlMappingFile(const std::string& path) {
  auto ext = fs::path(path).extension();
  return ext == ".yaml" || ext == ".yml";
}

bool isBulkMappingFile(const std::string& path) {
  auto ext = fs::path(path).extension();
  return ext == ".txt" || ext == ".csv";
}

MappingFileList listMappingFiles(const std::vector<std::string>& paths, const WalkLimits& limits) {
  MappingFileList list;
  Walker walker(limits, list);
  for (const auto& path : paths) walker.addPath(path);
  return list;
}

}  // namespace ptrd
