#include "reconciler/daemon/mapping_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <functional>
#include <string_view>

namespace ptrd {

std::optional<uint64_t> contentHashOf(const std::string& path) {
  // O_NONBLOCK and the regular-file check: a file swapped for a FIFO or a
  // device after the listing is never waited on or read (nullopt: no reuse, the
  // loader then reads the tree and reports the file).
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return std::nullopt;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return std::nullopt;
  }
  std::array<char, 64 * 1024> buf;
  // Each chunk's hash is mixed with the running value and the chunk length, so
  // moved or truncated content changes the result.
  uint64_t h = 0x9e3779b97f4a7c15ULL;
  for (;;) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0) {
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    const uint64_t chunk = std::hash<std::string_view>{}(std::string_view(buf.data(), size_t(n)));
    h = (h ^ chunk ^ uint64_t(n)) * 0x100000001b3ULL;
    h ^= h >> 29;
  }
  ::close(fd);
  return h;
}

std::optional<MappingSnapshot> MappingSnapshot::take(const std::vector<std::string>& paths) {
  MappingSnapshot s;
  s.paths = paths;
  bool listedAll = false;
  s.prints = fingerprintTree(paths, &listedAll);
  if (!listedAll) return std::nullopt;
  for (const auto& f : s.prints) {
    if (!f.exists) return std::nullopt;
    if (f.directory) continue;  // its listing is in the fingerprints of its files
    auto h = contentHashOf(f.path);
    if (!h) return std::nullopt;
    s.contentHashes.push_back(*h);
  }
  return s;
}

}  // namespace ptrd
