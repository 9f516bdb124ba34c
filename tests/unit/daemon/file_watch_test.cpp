#include "reconciler/daemon/file_watch.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/unit/support/temp_dir.h"

namespace ptrd {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

TEST(FileWatch, SeesAnEditAndANewFileButNotAnUntouchedTree) {
  TempDir dir;
  dir.write("m/a.yaml", "a: 1\n");
  FileWatcher w;
  w.setPaths({(dir.path() / "m").string()});
  EXPECT_FALSE(w.changed());
  dir.write("m/a.yaml", "a: 12\n");
  EXPECT_TRUE(w.changed());
  EXPECT_FALSE(w.changed());
  dir.write("m/sub/b.txt", "203.0.113.1 a.example.com\n");
  EXPECT_TRUE(w.changed());
  fs::remove(dir.path() / "m/sub/b.txt");
  EXPECT_TRUE(w.changed());
}

TEST(FileWatch, SeesAConfigMapDataSymlinkSwapOfSameSizedContent) {
  // The layout kubelet writes: web.yaml -> ..data/web.yaml, ..data -> ..v1.
  TempDir dir;
  const fs::path cm = dir.path() / "cm";
  dir.write("cm/..v1/web.yaml", "ip: 203.0.113.10\n");
  fs::create_directory_symlink("..v1", cm / "..data");
  fs::create_symlink("..data/web.yaml", cm / "web.yaml");
  FileWatcher w;
  w.setPaths({cm.string()});
  ASSERT_FALSE(w.changed());

  // The update: a new timestamped dir, a temp symlink renamed over ..data, the old dir removed.
  dir.write("cm/..v2/web.yaml", "ip: 203.0.113.11\n");  // same size
  fs::create_directory_symlink("..v2", cm / "..data_tmp");
  fs::rename(cm / "..data_tmp", cm / "..data");
  fs::remove_all(cm / "..v1");
  EXPECT_TRUE(w.changed());
  EXPECT_FALSE(w.changed());
}

TEST(FileWatch, AMissingPathThatAppearsIsAChange) {
  TempDir dir;
  const std::string p = (dir.path() / "late.yaml").string();
  FileWatcher w;
  w.setPaths({p});
  EXPECT_FALSE(w.changed());
  dir.write("late.yaml", "x\n");
  EXPECT_TRUE(w.changed());
}

}  // namespace
}  // namespace ptrd
