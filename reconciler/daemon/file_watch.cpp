#include "reconciler/daemon/file_watch.h"

#include <sys/stat.h>

#include <algorithm>

#include "reconciler/source/mapping_loader.h"

namespace ptrd {

FileFingerprint fingerprintOf(const std::string& path) {
  FileFingerprint f;
  f.path = path;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return f;
  f.exists = true;
  f.directory = S_ISDIR(st.st_mode);
  f.device = uint64_t(st.st_dev);
  f.inode = uint64_t(st.st_ino);
  f.size = uint64_t(st.st_size);
  f.mtimeNs = int64_t(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  return f;
}

std::vector<FileFingerprint> fingerprintTree(const std::vector<std::string>& paths,
                                             bool* listedAll) {
  std::vector<FileFingerprint> out;
  for (const auto& p : paths) out.push_back(fingerprintOf(p));
  // Missing paths are reported by the loader; here they simply fingerprint as absent.
  const MappingFileList listing = listMappingFiles(paths);
  if (listedAll) *listedAll = listing.errors.empty();
  for (const auto& f : listing.files) out.push_back(fingerprintOf(f));
  std::sort(out.begin(), out.end(),
            [](const FileFingerprint& a, const FileFingerprint& b) { return a.path < b.path; });
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<FileFingerprint> FileWatcher::current() const {
  auto out = fingerprintTree(paths_);
  for (const auto& f : files_) out.push_back(fingerprintOf(f));
  return out;
}

void FileWatcher::setPaths(std::vector<std::string> paths, std::vector<std::string> files) {
  paths_ = std::move(paths);
  files_ = std::move(files);
  last_ = current();
}

bool FileWatcher::changed() {
  auto now = current();
  if (now == last_) return false;
  last_ = std::move(now);
  return true;
}

}  // namespace ptrd
