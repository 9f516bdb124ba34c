// readInputFile(): reads one input file (a mapping file or the config) whole, and
// only when it is safe to (contract §7, issue #10):
//
//   - only regular files: a FIFO, device or socket named *.yaml is an error, never
//     a read that blocks forever (stat before open, O_NONBLOCK, fstat after open);
//   - at most maxBytes (256 MiB by default), checked before and while reading;
//   - never a torn read: the file's identity (device, inode, size, mtime) is taken
//     before and after reading; a file changed in place meanwhile is read again,
//     up to maxTries times, then it is an error (a half-written file must not
//     load as a smaller valid set). A file renamed over the path while read was
//     still read whole: ptrd reads again for the newest, and keeps that whole
//     older version if the path keeps being replaced.
//
// A leading UTF-8 byte-order mark (spreadsheet "CSV UTF-8" exports, some editors)
// is dropped: it would otherwise glue itself to the first address or key.
//
//   auto text = readInputFile("mappings/web.yaml");
//   if (!text) report(text.error().message);   // the reason, without the path
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <cstdint>
#include <string>

#include "core/result.h"

namespace ptrd {

// One mapping file's size bound: far above any real fleet file (a million bulk
// lines is ~40 MB), far below what would hurt the daemon.
inline constexpr uint64_t kMaxInputFileBytes = uint64_t(256) << 20;
// Reads of a file that keeps changing under us, before giving up for this pass.
inline constexpr int kMaxTornReadTries = 5;

struct ReadLimits {
  uint64_t maxBytes = kMaxInputFileBytes;
  int maxTries = kMaxTornReadTries;
  const char* what = "mapping file";  // names the bound in errors
};

// The system calls readInputFile makes, as a seam: tests substitute one that
// rewrites the file mid-read, deterministically and without sleeping.
class FileSystem {
 public:
  virtual ~FileSystem() = default;
  virtual int stat(const std::string& path, struct stat& st);
  virtual int open(const std::string& path);  // read-only, non-blocking; -1 and errno on failure
  virtual int fstat(int fd, struct stat& st);
  virtual ssize_t read(int fd, char* buf, size_t n);
  virtual void close(int fd);

  static FileSystem& real();
};

Result<std::string> readInputFile(const std::string& path, const ReadLimits& limits = {},
                                  FileSystem& fs = FileSystem::real());

// Removes a leading UTF-8 byte-order mark (EF BB BF), if any.
void stripUtf8Bom(std::string& text);

}  // namespace ptrd
