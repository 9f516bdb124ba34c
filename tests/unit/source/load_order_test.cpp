// LoadOptions::onRecord: every valid declaration's address, in the order the
// files are read, before merging sorts and de-duplicates them (`check` asks DNS
// about the first addresses while the rest loads, and must see them in that order).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "reconciler/source/mapping_loader.h"
#include "tests/unit/support/temp_dir.h"

namespace ptrd {
namespace {

TEST(LoadOrderTest, OnRecordSeesEachDeclarationInFileOrderBeforeMerging) {
  testing::TempDir dir;
  const std::string bulk = dir.write("fleet.txt",
                                     "192.0.2.9 c.example.com\n"
                                     "192.0.2.1 a.example.com\n"
                                     "192.0.2.9 c.example.com\n"      // identical repeat
                                     "192.0.2.300 bad.example.com\n"  // invalid: not reported
                                     "192.0.2.5 b.example.com\n");
  std::vector<std::string> seen;
  LoadOptions options;
  options.onRecord = [&](const IpAddress& ip) { seen.push_back(ip.str()); };
  DesiredState desired = loadMappings({bulk}, options);
  EXPECT_EQ(seen, (std::vector<std::string>{"192.0.2.9", "192.0.2.1", "192.0.2.9", "192.0.2.5"}));
  // The merged state is sorted and has each address once: what onRecord saw is
  // only a guess at it, which is why `check` compares before using it.
  ASSERT_EQ(desired.records.size(), 3u);
  EXPECT_EQ(desired.records[0].ip.str(), "192.0.2.1");
}

}  // namespace
}  // namespace ptrd
