// Mapping files are parsed again only when they changed: the daemon loop under a
// fake clock over real temp files, and the snapshot that decides it.
#include "reconciler/daemon/mapping_cache.h"

#include <gmock/gmock.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <filesystem>

#include "tests/unit/daemon/daemon_test_fixture.h"

namespace ptrd::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::minutes;
using ::testing::HasSubstr;

class MappingCacheTest : public DaemonFixture {
 protected:
  // The next pass, by interval (the watcher may or may not have seen anything).
  void nextPass() {
    clock.advance(minutes(2));
    ASSERT_TRUE(turn());
  }
};

// Rewrites `path` with `content` and gives it back its old mtime: only the bytes differ.
void rewriteKeepingMtime(const std::string& path, const std::string& content) {
  struct stat before {};
  ASSERT_EQ(::stat(path.c_str(), &before), 0);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
  const struct timespec times[2] = {before.st_atim, before.st_mtim};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
}

TEST_F(MappingCacheTest, AnUnchangedTreeIsNotParsedAgain) {
  make();
  ASSERT_TRUE(turn());
  EXPECT_EQ(loop->mappingLoads(), 1u);
  nextPass();
  nextPass();
  EXPECT_EQ(loop->passes(), 3u);
  EXPECT_EQ(loop->mappingLoads(), 1u);
  ASSERT_EQ(loop->desired().records.size(), 1u);
  EXPECT_EQ(fake.account["203.0.113.10"].ptr, "web.example.com.");  // still enforced
  loop->requestPass();  // SIGHUP re-reads what changed, nothing here
  ASSERT_TRUE(turn());
  EXPECT_EQ(loop->mappingLoads(), 1u);
}

TEST_F(MappingCacheTest, AnEditedOrAddedFileIsParsedAgain) {
  make();
  ASSERT_TRUE(turn());
  dir.write("mappings/web.yaml", mappingYaml("203.0.113.10", "www.example.com"));
  nextPass();
  EXPECT_EQ(loop->mappingLoads(), 2u);
  EXPECT_EQ(loop->desired().records.at(0).hostname, "www.example.com.");
  dir.write("mappings/more/api.txt", "203.0.113.11 api.example.com\n");
  nextPass();
  EXPECT_EQ(loop->mappingLoads(), 3u);
  EXPECT_EQ(loop->desired().records.size(), 2u);
  fs::remove(dir.path() / "mappings/more/api.txt");
  nextPass();
  EXPECT_EQ(loop->mappingLoads(), 4u);
  EXPECT_EQ(loop->desired().records.size(), 1u);
}

TEST_F(MappingCacheTest, ASameSizedRewriteThatKeepsTheMtimeIsParsedAgain) {
  make();
  ASSERT_TRUE(turn());
  rewriteKeepingMtime((dir.path() / "mappings/web.yaml").string(),
                      mappingYaml("203.0.113.11", "api.example.com"));  // same length
  nextPass();
  EXPECT_EQ(loop->mappingLoads(), 2u);
  ASSERT_EQ(loop->desired().records.size(), 1u);
  EXPECT_EQ(loop->desired().records[0].ip.str(), "203.0.113.11");
}

TEST_F(MappingCacheTest, AConfigMapSymlinkSwapIsParsedAgainAndThenNotAnyMore) {
  const fs::path cm = dir.path() / "cm";
  dir.write("cm/..v1/web.yaml", mappingYaml("203.0.113.10", "web.example.com"));
  fs::create_directory_symlink("..v1", cm / "..data");
  fs::create_symlink("..data/web.yaml", cm / "web.yaml");
  configPath = dir.write("ptrd.yaml", configYaml("cm/"));
  make();
  ASSERT_TRUE(turn());
  nextPass();
  EXPECT_EQ(loop->mappingLoads(), 1u);

  dir.write("cm/..v2/web.yaml", mappingYaml("203.0.113.11", "api.example.com"));  // same size
  fs::create_directory_symlink("..v2", cm / "..data_tmp");
  fs::rename(cm / "..data_tmp", cm / "..data");
  fs::remove_all(cm / "..v1");
  nextPass();
  EXPECT_EQ(loop->mappingLoads(), 2u);
  ASSERT_EQ(loop->desired().records.size(), 1u);
  EXPECT_EQ(loop->desired().records[0].ip.str(), "203.0.113.11");
  nextPass();
  EXPECT_EQ(loop->mappingLoads(), 2u);
}

TEST_F(MappingCacheTest, ABrokenOrMissingFileIsReadEveryPassAndKeepsTheLastGoodState) {
  configPath = dir.write("ptrd.yaml", configYaml("mappings/web.yaml"));
  make();
  ASSERT_TRUE(turn());
  dir.write("mappings/web.yaml",
            "apiVersion: ptrd.io/v1alpha1\nkind: PTRMappings\nspec:\n  recordz: []\n");
  nextPass();
  nextPass();
  EXPECT_EQ(loop->mappingLoads(), 3u);  // each pass reads it and reports it again
  EXPECT_EQ(loop->desired().records.size(), 1u);
  EXPECT_THAT(metricsText(), HasSubstr("ptrd_config_last_reload_successful 0"));

  fs::remove(dir.path() / "mappings/web.yaml");
  nextPass();
  EXPECT_EQ(loop->mappingLoads(), 4u);
  EXPECT_EQ(loop->desired().records.size(), 1u);  // a missing file is not "nothing desired"
  EXPECT_EQ(fake.account["203.0.113.10"].ptr, "web.example.com.");

  dir.write("mappings/web.yaml", mappingYaml("203.0.113.10", "web.example.com"));
  nextPass();
  EXPECT_THAT(metricsText(), HasSubstr("ptrd_config_last_reload_successful 1"));
  nextPass();
  EXPECT_EQ(loop->mappingLoads(), 5u);
}

TEST(MappingSnapshot, IsEqualOnlyForTheSamePathsFilesAndBytes) {
  TempDir dir;
  const std::string a = dir.write("m/a.txt", "203.0.113.1 a.example.com\n");
  dir.write("m/b.txt", "203.0.113.2 b.example.com\n");
  const std::string m = (dir.path() / "m").string();
  auto first = MappingSnapshot::take({m});
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->contentHashes.size(), 2u);
  EXPECT_EQ(MappingSnapshot::take({m}), first);
  EXPECT_NE(MappingSnapshot::take({m, a}), first);  // another list of paths
  rewriteKeepingMtime(a, "203.0.113.9 a.example.com\n");
  EXPECT_NE(MappingSnapshot::take({m}), first);
  EXPECT_FALSE(MappingSnapshot::take({m, (dir.path() / "missing.txt").string()}).has_value());
}

TEST(MappingSnapshot, ContentHashTellsMovedBytesApart) {
  TempDir dir;
  const auto h1 = contentHashOf(dir.write("x", std::string(70'000, 'a') + "b"));
  const auto h2 = contentHashOf(dir.write("y", "b" + std::string(70'000, 'a')));
  ASSERT_TRUE(h1 && h2);
  EXPECT_NE(*h1, *h2);
  EXPECT_EQ(contentHashOf(dir.write("z", std::string(70'000, 'a') + "b")), h1);
  EXPECT_FALSE(contentHashOf((dir.path() / "none").string()).has_value());
}

// A file swapped for a FIFO after the listing: never waited on (without
// O_NONBLOCK the open would block the daemon's pass for good), never reused.
TEST(MappingSnapshot, AFifoIsNeverWaitedOnNorHashed) {
  TempDir dir;
  const std::string fifo = (dir.path() / "pipe.yaml").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_FALSE(contentHashOf(fifo).has_value());
}

}  // namespace
}  // namespace ptrd::testing
