#include "reconciler/source/input_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <tuple>

namespace ptrd {
namespace {

const char* fileKind(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISDIR(mode)) return "a directory";
  return "not a plain file";
}

Error notRegular(mode_t mode) {
  return Error::permanent(
      fmt::format("not a regular file ({}); only regular files are read", fileKind(mode)));
}

// size 0 = unknown (the file grew past the bound while being read).
Error tooLarge(uint64_t size, const ReadLimits& limits) {
  std::string mib =
      limits.maxBytes >= (1 << 20) ? fmt::format(" ({} MiB)", limits.maxBytes >> 20) : "";
  std::string bound =
      fmt::format("the limit of {} bytes{} per {}", limits.maxBytes, mib, limits.what);
  if (size == 0) return Error::permanent(fmt::format("the file grew past {}", bound));
  return Error::permanent(fmt::format("the file is {} bytes, more than {}", size, bound));
}

Error systemError(const char* what) {
  return Error::permanent(fmt::format("cannot {}: {}", what, std::strerror(errno)));
}

// What must not change while the file is read. mtime alone can miss a rewrite
// within one clock tick, hence size and inode too.
auto identity(const struct stat& st) {
  return std::make_tuple(st.st_dev, st.st_ino, st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

struct Attempt {
  std::string text;
  bool whole = false;    // the file read did not change while it was read
  bool current = false;  // and the path still names that file afterwards
};

// One read of the whole file; an error is final, !stable means "read it again".
Result<Attempt> readOnce(const std::string& path, const ReadLimits& limits, FileSystem& fs) {
  struct stat st {};
  // stat first: opening a device can have side effects, and a FIFO must never be
  // opened at all (O_NONBLOCK below only guards the race with this check).
  if (fs.stat(path, st) != 0) return systemError("read");
  if (!S_ISREG(st.st_mode)) return notRegular(st.st_mode);
  if (uint64_t(st.st_size) > limits.maxBytes) return tooLarge(uint64_t(st.st_size), limits);
  int fd = fs.open(path);
  if (fd < 0) return systemError("open");
  struct stat before {
  }, after{}, again{};
  if (fs.fstat(fd, before) != 0) {
    Error e = systemError("stat");
    fs.close(fd);
    return e;
  }
  if (!S_ISREG(before.st_mode)) {
    fs.close(fd);
    return notRegular(before.st_mode);
  }
  Attempt a;
  a.text.reserve(size_t(std::min<uint64_t>(uint64_t(before.st_size), limits.maxBytes)));
  char buf[1 << 16];
  for (;;) {
    ssize_t n = fs.read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Error e = systemError("read");
      fs.close(fd);
      return e;
    }
    if (n == 0) break;
    if (a.text.size() + size_t(n) > limits.maxBytes) {
      fs.close(fd);
      return tooLarge(0, limits);
    }
    a.text.append(buf, size_t(n));
  }
  const bool fstat_ok = fs.fstat(fd, after) == 0;
  fs.close(fd);
  const bool path_ok = fs.stat(path, again) == 0;
  a.whole =
      fstat_ok && identity(before) == identity(after) && a.text.size() == uint64_t(before.st_size);
  a.current = a.whole && path_ok && identity(before) == identity(again);
  return a;
}

}  // namespace

int FileSystem::stat(const std::string& path, struct stat& st) {
  return ::stat(path.c_str(), &st);
}
int FileSystem::open(const std::string& path) {
  return ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
}
int FileSystem::fstat(int fd, struct stat& st) {
  return ::fstat(fd, &st);
}
ssize_t FileSystem::read(int fd, char* buf, size_t n) {
  return ::read(fd, buf, n);
}
void FileSystem::close(int fd) {
  ::close(fd);
}

FileSystem& FileSystem::real() {
  static FileSystem fs;
  return fs;
}

void stripUtf8Bom(std::string& text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);
}

Result<std::string> readInputFile(const std::string& path, const ReadLimits& limits,
                                  FileSystem& fs) {
  // A file renamed over the path while we read it was still read whole (the
  // descriptor kept the old one): that version is consistent, just not the
  // newest. Try for the newest, but a path renamed over again and again (a
  // ConfigMap update, an editor's save) falls back to the last whole read
  // rather than failing; only a file changed in place is never used.
  std::optional<std::string> lastWhole;
  for (int attempt = 1; attempt <= limits.maxTries; ++attempt) {
    auto a = readOnce(path, limits, fs);
    if (!a) return a.error();
    if (a->whole) {
      stripUtf8Bom(a->text);
      if (a->current) return std::move(a->text);
      lastWhole = std::move(a->text);
    }
  }
  if (lastWhole) return std::move(*lastWhole);
  return Error::permanent(
      fmt::format("the file changed while being read, {} times in a row (the limit of tries); "
                  "not loaded this pass",
                  limits.maxTries));
}

}  // namespace ptrd
