#include "core/atomic_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace ptrd {
namespace {

Error ioError(const std::string& what, const std::string& path) {
  return Error::transient(fmt::format("{} {}: {}", what, path, std::strerror(errno)));
}

Status writeAll(int fd, const std::string& content, const std::string& path) {
  size_t off = 0;
  while (off < content.size()) {
    ssize_t n = ::write(fd, content.data() + off, content.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ioError("writing", path);
    off += size_t(n);
  }
  return okStatus();
}

}  // namespace

Status writeFileAtomically(const std::string& path, const std::string& content) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string tmp = path + ".tmp.XXXXXX";
  int fd = ::mkostemp(tmp.data(), O_CLOEXEC);
  if (fd < 0) return ioError("creating a temporary file next to", path);
  Status wrote = writeAll(fd, content, tmp);
  if (wrote && ::fsync(fd) != 0) wrote = ioError("syncing", tmp);
  ::close(fd);
  if (wrote && ::rename(tmp.c_str(), path.c_str()) != 0) wrote = ioError("renaming onto", path);
  if (!wrote) {
    ::unlink(tmp.c_str());
    return wrote;
  }
  // The rename is durable only once the directory entry is on disk.
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return ioError("opening directory", dir.string());
  const bool synced = ::fsync(dfd) == 0;
  ::close(dfd);
  if (!synced) return ioError("syncing directory", dir.string());
  return okStatus();
}

Result<std::optional<std::string>> readStateFile(const std::string& path, size_t maxBytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<std::string>();
    return ioError("opening", path);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Error::permanent(fmt::format("{}: not a regular file", path));
  }
  std::string out;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Error e = ioError("reading", path);
      ::close(fd);
      return e;
    }
    if (n == 0) break;
    if (out.size() + size_t(n) > maxBytes) {
      ::close(fd);
      return Error::permanent(fmt::format("{}: over {} bytes, not a state file", path, maxBytes));
    }
    out.append(buf, size_t(n));
  }
  ::close(fd);
  return std::optional<std::string>(std::move(out));
}

}  // namespace ptrd
