// Mapping folders: how loadMappings walks directories -- order, hidden entries,
// symlink loops, files reached twice, Kubernetes ConfigMap links, and the walk's
// bounds.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "reconciler/source/mapping_loader.h"
#include "tests/unit/source/mapping_test_support.h"
#include "tests/unit/support/temp_dir.h"

namespace ptrd {
namespace {

using ::testing::ElementsAre;
using testing::errorTexts;
using ::testing::HasSubstr;
using testing::kHeader;
using ::testing::SizeIs;

class MappingFoldersTest : public ::testing::Test {
 protected:
  testing::TempDir dir_;
};

TEST_F(MappingFoldersTest, DirectoriesAreSortedAndSkipHiddenEntries) {
  dir_.write("b/2.yaml", std::string(kHeader) + "  bulk: \"203.0.113.2 b.example.com\"\n");
  dir_.write("a.txt", "203.0.113.1 a.example.com\n");
  dir_.write("..data/a.txt", "203.0.113.9 hidden.example.com\n");
  dir_.write("notes.md", "ignored");
  auto list = listMappingFiles({dir_.path().string()});
  ASSERT_THAT(list.files, SizeIs(2));
  EXPECT_THAT(list.files[0], HasSubstr("a.txt"));
  EXPECT_THAT(list.files[1], HasSubstr("b/2.yaml"));
  auto missing = loadMappings({(dir_.path() / "nope").string()});
  EXPECT_FALSE(missing.complete());
  EXPECT_THAT(missing.fileErrors[0].reason, HasSubstr("no such file"));
}

// `ln -s . x; ln -s . y` made the walk exponential (validate hung, the daemon
// wedged), and one such link loaded every file many times.
TEST_F(MappingFoldersTest, SymlinkLoopsInMappingsFolderAreErrorsNotAHang) {
  std::string a = dir_.write("a.txt", "203.0.113.1 a.example.com\n");
  dir_.write("sub/b.txt", "203.0.113.2 b.example.com\n");
  std::filesystem::create_directory_symlink(".", dir_.path() / "x");
  std::filesystem::create_directory_symlink(".", dir_.path() / "y");
  std::filesystem::create_directory_symlink("..", dir_.path() / "sub/up");
  const std::string root = dir_.path().string();
  auto list = listMappingFiles({root});
  ASSERT_THAT(list.files, SizeIs(2));
  ASSERT_THAT(list.errors, SizeIs(3));
  EXPECT_EQ(list.errors[0].str(), root + "/sub/up: a link that loops back to " + root +
                                      " (an ancestor directory); not followed");
  EXPECT_THAT(list.errors[1].str(), HasSubstr(root + "/x: a link that loops back"));
  EXPECT_THAT(list.errors[2].str(), HasSubstr(root + "/y: a link that loops back"));
  auto d = loadMappings({root});
  EXPECT_FALSE(d.complete());
  EXPECT_THAT(d.records, SizeIs(2));
  EXPECT_EQ(d.duplicates(), 0u);
}

TEST_F(MappingFoldersTest, SameRealFileReachedTwiceIsLoadedOnce) {
  std::string a = dir_.write("a.txt", "203.0.113.1 a.example.com\n");
  std::filesystem::create_symlink("a.txt", dir_.path() / "b.txt");
  dir_.write("shared/c.txt", "203.0.113.3 c.example.com\n");
  std::filesystem::create_directory_symlink("shared", dir_.path() / "twice");
  auto list = listMappingFiles({dir_.path().string(), a});
  EXPECT_THAT(list.files, ElementsAre(a, (dir_.path() / "shared/c.txt").string()));
  ASSERT_THAT(list.errors, SizeIs(1));  // a directory reached twice through a link
  EXPECT_THAT(list.errors[0].str(), HasSubstr("/twice: a link to a directory already walked"));
}

// A Kubernetes ConfigMap volume: visible names are links into ..data, itself a
// link to a timestamped directory. Each file loads once, through its visible name.
TEST_F(MappingFoldersTest, ConfigMapLinksStillLoad) {
  dir_.write("..2024_01_01_00_00_00.1/web.yaml",
             std::string(kHeader) + "  bulk: \"203.0.113.1 a.example.com\"\n");
  std::filesystem::create_directory_symlink("..2024_01_01_00_00_00.1", dir_.path() / "..data");
  std::filesystem::create_symlink("..data/web.yaml", dir_.path() / "web.yaml");
  auto d = loadMappings({dir_.path().string()});
  EXPECT_THAT(errorTexts(d), SizeIs(0));
  ASSERT_THAT(d.sources, SizeIs(1));
  EXPECT_EQ(d.sources[0].file, (dir_.path() / "web.yaml").string());
  EXPECT_THAT(d.records, SizeIs(1));
}

TEST_F(MappingFoldersTest, WalkDepthAndEntriesAreBounded) {
  dir_.write("a/b/c/d/deep.txt", "203.0.113.1 a.example.com\n");
  LoadOptions opts;
  opts.walk.maxDepth = 2;
  auto deep = loadMappings({dir_.path().string()}, opts);
  ASSERT_THAT(deep.fileErrors, SizeIs(1));
  EXPECT_EQ(deep.fileErrors[0].str(), (dir_.path() / "a/b/c").string() +
                                          ": directories nest deeper than the limit of 2 levels");
  EXPECT_THAT(deep.records, SizeIs(0));
  for (int i = 0; i < 5; ++i) dir_.write("f" + std::to_string(i) + ".txt", "");
  opts = {};
  opts.walk.maxEntries = 3;
  auto many = loadMappings({dir_.path().string()}, opts);
  ASSERT_THAT(many.fileErrors, SizeIs(1));
  EXPECT_THAT(many.fileErrors[0].reason, HasSubstr("more than the limit of 3 directory entries"));
  EXPECT_EQ(kMaxWalkDepth, 32u);
  EXPECT_EQ(kMaxWalkEntries, 100'000u);
}

}  // namespace
}  // namespace ptrd
