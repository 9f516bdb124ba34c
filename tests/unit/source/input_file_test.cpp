// readInputFile (issue #10 cases 5 and 12): regular files only, bounded, never a
// torn read. The FileSystem seam plays the concurrent writer deterministically:
// no sleeps, no threads racing a real writer.
#include "reconciler/source/input_file.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <fstream>
#include <future>

#include "reconciler/source/mapping_loader.h"
#include "tests/unit/support/temp_dir.h"

namespace ptrd {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;

// Sets a file's mtime to `seconds`: a rewrite by a real writer moves it, but
// maybe not within one clock tick, so the tests move it explicitly.
void setMtime(const std::string& path, time_t seconds) {
  struct timespec times[2] = {{seconds, 0}, {seconds, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
}

void overwrite(const std::string& path, const std::string& content, time_t mtime) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
  setMtime(path, mtime);
}

// Runs a hook at fixed points of each read attempt: the first read() of the
// attempt (the writer has started) and the fstat() after reading (it finished).
class ScriptedFileSystem : public FileSystem {
 public:
  std::function<void(int attempt)> onFirstRead, onReadDone;
  int attempts = 0;

  int open(const std::string& path) override {
    ++attempts;
    firstRead_ = true;
    fstats_ = 0;
    return FileSystem::open(path);
  }
  ssize_t read(int fd, char* buf, size_t n) override {
    if (firstRead_ && onFirstRead) onFirstRead(attempts);
    firstRead_ = false;
    return FileSystem::read(fd, buf, n);
  }
  int fstat(int fd, struct stat& st) override {
    if (++fstats_ == 2 && onReadDone) onReadDone(attempts);  // the fstat after reading
    return FileSystem::fstat(fd, st);
  }

 private:
  bool firstRead_ = false;
  int fstats_ = 0;
};

constexpr const char* kOld =
    "203.0.113.1 a.example.com\n203.0.113.2 b.example.com\n203.0.113.3 c.example.com\n";
constexpr const char* kNew =
    "203.0.113.1 a.example.com\n203.0.113.2 b.example.com\n203.0.113.4 d.example.com\n";

// The writer truncates the file while we read it and finishes writing after: the
// first read sees one line of three. That must never load as a one-record file.
TEST(InputFile, MappingFileRewrittenWhileReadIsReadAgainNotTorn) {
  testing::TempDir dir;
  std::string path = dir.write("fleet.txt", kOld);
  setMtime(path, 1000);
  ScriptedFileSystem fs;
  fs.onFirstRead = [&](int attempt) {
    if (attempt == 1) overwrite(path, "203.0.113.1 a.example.com\n", 1001);
  };
  fs.onReadDone = [&](int attempt) {
    if (attempt == 1) overwrite(path, kNew, 1002);
  };
  auto text = readInputFile(path, {}, fs);
  ASSERT_TRUE(text.ok()) << text.error().message;
  EXPECT_EQ(*text, kNew);
  EXPECT_EQ(fs.attempts, 2);

  // Through the loader: the whole new file, never the torn one-line version.
  setMtime(path, 2000);
  fs.attempts = 0;
  fs.onFirstRead = [&](int attempt) {
    if (attempt == 1) overwrite(path, "203.0.113.1 a.example.com\n", 2001);
  };
  fs.onReadDone = [&](int attempt) {
    if (attempt == 1) overwrite(path, kOld, 2002);
  };
  LoadOptions opts;
  opts.fileSystem = &fs;
  auto d = loadMappings({path}, opts);
  EXPECT_TRUE(d.fileErrors.empty());
  EXPECT_THAT(d.records, SizeIs(3));
}

// A file replaced by rename while read: the open descriptor reads the old file
// whole and consistently, but the path now names another: read it again.
TEST(InputFile, MappingFileReplacedWhileReadIsReadAgain) {
  testing::TempDir dir;
  std::string path = dir.write("fleet.txt", kOld);
  std::string next = dir.write("fleet.txt.new", kNew);
  ScriptedFileSystem fs;
  fs.onFirstRead = [&](int attempt) {
    if (attempt == 1) std::filesystem::rename(next, path);
  };
  auto text = readInputFile(path, {}, fs);
  ASSERT_TRUE(text.ok()) << text.error().message;
  EXPECT_EQ(*text, kNew);
  EXPECT_EQ(fs.attempts, 2);
}

// A path renamed over on every read (a writer saving again and again): each read
// was whole, so the last whole version is used rather than failing the pass.
TEST(InputFile, PathRenamedOverOnEveryReadFallsBackToTheLastWholeVersion) {
  testing::TempDir dir;
  std::string path = dir.write("fleet.txt", kOld);
  ScriptedFileSystem fs;
  fs.onFirstRead = [&](int attempt) {
    std::string next = dir.write("fleet.txt.new", attempt % 2 ? kNew : kOld);
    std::filesystem::rename(next, path);
  };
  auto text = readInputFile(path, {}, fs);
  ASSERT_TRUE(text.ok()) << text.error().message;
  EXPECT_TRUE(*text == kOld || *text == kNew);
  EXPECT_EQ(fs.attempts, kMaxTornReadTries);
}

TEST(InputFile, FileThatKeepsChangingIsAnErrorNamingTheBound) {
  testing::TempDir dir;
  std::string path = dir.write("fleet.txt", kOld);
  ScriptedFileSystem fs;
  fs.onFirstRead = [&](int attempt) { overwrite(path, attempt % 2 ? kNew : kOld, 3000 + attempt); };
  auto text = readInputFile(path, {}, fs);
  ASSERT_FALSE(text.ok());
  EXPECT_THAT(text.error().message,
              HasSubstr("changed while being read, 5 times in a row (the limit of tries)"));
  EXPECT_EQ(fs.attempts, kMaxTornReadTries);
  LoadOptions opts;
  opts.fileSystem = &fs;
  auto d = loadMappings({path}, opts);
  ASSERT_THAT(d.fileErrors, SizeIs(1));
  EXPECT_THAT(d.fileErrors[0].str(), HasSubstr(path + ": the file changed while being read"));
  EXPECT_THAT(d.records, SizeIs(0));
}

// Reading a FIFO blocks until a writer comes; the old loader did just that. The
// deadline: if the read is still blocked after 10 s, the test opens the FIFO for
// writing and closes it, which ends the read, and fails.
TEST(InputFile, FifoNamedYamlIsAnErrorNotABlock) {
  testing::TempDir dir;
  std::string fifo = (dir.path() / "pipe.yaml").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto load = std::async(std::launch::async, [&] { return loadMappings({dir.path().string()}); });
  if (load.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
    if (fd >= 0) ::close(fd);
    FAIL() << "loading a directory holding a FIFO blocked";
  }
  auto d = load.get();
  ASSERT_THAT(d.fileErrors, SizeIs(1));
  EXPECT_EQ(d.fileErrors[0].str(),
            fifo + ": not a regular file (a FIFO); only regular files are read");
  EXPECT_FALSE(d.complete());
}

TEST(InputFile, DevicesAndDirectoriesAreRefused) {
  auto dev = readInputFile("/dev/null");
  ASSERT_FALSE(dev.ok());
  EXPECT_EQ(dev.error().message,
            "not a regular file (a character device); only regular files are read");
  auto d = loadMappings({"/dev/zero"});  // named explicitly: refused, never read forever
  ASSERT_THAT(d.fileErrors, SizeIs(1));
  EXPECT_THAT(d.fileErrors[0].str(),
              HasSubstr("/dev/zero: not a regular file (a character device)"));
}

TEST(InputFile, SizeOfOneFileIsBounded) {
  testing::TempDir dir;
  std::string path = dir.write("big.txt", std::string(11, 'x'));
  auto text = readInputFile(path, ReadLimits{10, kMaxTornReadTries, "mapping file"});
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.error().message,
            "the file is 11 bytes, more than the limit of 10 bytes per mapping file");
  EXPECT_EQ(kMaxInputFileBytes, uint64_t(256) << 20);
  // It grows while being read: still refused, never cut at the bound.
  std::string growing = dir.write("grow.txt", std::string(5, 'x'));
  ScriptedFileSystem fs;
  fs.onFirstRead = [&](int) { std::ofstream(growing, std::ios::app) << std::string(20, 'y'); };
  auto grown = readInputFile(growing, ReadLimits{10, kMaxTornReadTries, "mapping file"}, fs);
  ASSERT_FALSE(grown.ok());
  EXPECT_THAT(grown.error().message, HasSubstr("grew past the limit of 10 bytes"));
}

TEST(InputFile, LeadingByteOrderMarkIsDropped) {
  testing::TempDir dir;
  std::string path = dir.write("bom.txt",
                               "\xEF\xBB\xBF"
                               "203.0.113.1 a.example.com\n");
  auto text = readInputFile(path);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "203.0.113.1 a.example.com\n");
}

}  // namespace
}  // namespace ptrd
