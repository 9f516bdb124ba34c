// FileWatcher: notices that the config or a mapping file changed, by polling
// fingerprints (path, device, inode, size, mtime) every second or two.
//
// Fingerprints are taken with stat(), which follows symlinks. That is what makes
// Kubernetes ConfigMap volumes work: there `mappings/web.yaml` is a symlink to
// `..data/web.yaml` and an update atomically re-points `..data` at a new
// timestamped directory. Neither the visible symlink nor (often) the size or
// mtime change, but the file reached through it is a new inode. Directories are
// fingerprinted too (a file added or removed changes their listing) and expanded
// into the files loadMappings would read (mapping_loader.h's listMappingFiles).
// Polling instead of inotify: it survives the symlink swap, NFS and editors that
// replace files, at the cost of one stat per file per poll.
//
//   FileWatcher watch;
//   watch.setPaths({configPath, "mappings/"});   // takes the first fingerprint
//   if (watch.changed()) startPassNow();          // later, every ~1 s
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ptrd {

struct FileFingerprint {
  std::string path;
  bool exists = false;
  bool directory = false;
  uint64_t device = 0, inode = 0, size = 0;
  int64_t mtimeNs = 0;
  bool operator==(const FileFingerprint&) const = default;
};

// The fingerprint of one path (following symlinks); exists=false when stat fails.
FileFingerprint fingerprintOf(const std::string& path);

// Fingerprints of the paths themselves and, for directories, of every mapping
// file below them; sorted by path. `listedAll` (when given) is set to false when
// the directory walk failed (loop, bound, missing path): the list is then partial.
std::vector<FileFingerprint> fingerprintTree(const std::vector<std::string>& paths,
                                             bool* listedAll = nullptr);

class FileWatcher {
 public:
  // Starts watching `paths` (files or mapping directories) and `files` (single
  // files such as secrets, never expanded) from their current state.
  void setPaths(std::vector<std::string> paths, std::vector<std::string> files = {});
  const std::vector<std::string>& paths() const { return paths_; }
  // True when any fingerprint differs from the previous call (or setPaths).
  bool changed();

 private:
  std::vector<FileFingerprint> current() const;

  std::vector<std::string> paths_, files_;
  std::vector<FileFingerprint> last_;
};

}  // namespace ptrd
