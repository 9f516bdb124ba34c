// Mapping files replaced while ptrd reads them, the way GitOps tools do it: a
// new file renamed over the old one, and a Kubernetes ConfigMap volume swapping
// its `..data` symlink. Every load must see the old state or the new one in
// full -- never a partial or empty one, which under `sync` would reset records.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "reconciler/source/mapping_loader.h"
#include "tests/lab/nsd_server.h"  // makeTempDir

namespace ptrd::reliability {
namespace {

namespace fs = std::filesystem;

// A document of `n` records, all pointing at `prefix`-K.example.com.
std::string mappingText(int n, const std::string& prefix) {
  std::string t =
      "apiVersion: ptrd.io/v1alpha1\nkind: PTRMappings\nmetadata:\n  name: fleet\nspec:\n  "
      "records:\n";
  for (int k = 0; k < n; ++k)
    t += "    - {ip: 10.0." + std::to_string(k / 250) + "." + std::to_string(k % 250 + 1) +
         ", hostname: " + prefix + "-" + std::to_string(k) + ".example.com}\n";
  return t;
}

void writeText(const fs::path& p, const std::string& text) {
  std::ofstream(p) << text;
}

// "old" (300 records, a-*) or "new" (500 records, b-*), or "torn" with why.
std::string classify(const DesiredState& d) {
  if (!d.fileErrors.empty()) return "torn: " + d.fileErrors.front().str();
  if (d.records.empty()) return "torn: empty";
  const char first = d.records.front().hostname[0];
  for (const auto& r : d.records)
    if (r.hostname[0] != first) return "torn: mixed";
  if (first == 'a' && d.records.size() == 300) return "old";
  if (first == 'b' && d.records.size() == 500) return "new";
  return "torn: " + std::to_string(d.records.size()) + " records of " + first;
}

class MappingSwap : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = lab::makeTempDir("ptrd-swap-"); }
  void TearDown() override { fs::remove_all(dir_); }

  // Loads `path` while `swap(i)` runs in a loop on another thread, for a
  // bounded number of loads; every load must classify as old or new.
  // A load may fail as a whole (a fileError: ptrd then changes nothing from
  // that file, contract §1); only `allowErrors` cases tolerate that.
  template <typename Swap>
  void loadWhileSwapping(const std::string& path, bool allowErrors, Swap swap) {
    std::atomic<bool> stop{false};
    std::thread writer([&] {
      for (int i = 0; !stop; ++i) swap(i);
    });
    int old = 0, fresh = 0, errors = 0;
    std::string firstError;
    for (int i = 0; i < 150; ++i) {
      DesiredState d = loadMappings({path});
      if (!d.fileErrors.empty() && allowErrors) {
        if (errors++ == 0) firstError = d.fileErrors.front().str();
        continue;
      }
      std::string c = classify(d);
      EXPECT_TRUE(c == "old" || c == "new") << "load " << i << ": " << c;
      (c == "new" ? fresh : old)++;
    }
    stop = true;
    writer.join();
    EXPECT_GT(old + fresh, 100) << errors << " failed loads, first: " << firstError;
    RecordProperty("old_loads", old);
    RecordProperty("new_loads", fresh);
    RecordProperty("failed_loads", errors);
    std::cout << "loads: " << old << " old, " << fresh << " new, " << errors << " failed as a whole"
              << (firstError.empty() ? "" : " (" + firstError + ")") << "\n";
  }

  fs::path dir_;
  const std::string old_ = mappingText(300, "a"), new_ = mappingText(500, "b");
};

TEST_F(MappingSwap, RenameOverTheFileGivesOldOrNewNeverPartial) {
  fs::create_directories(dir_ / "mappings");
  writeText(dir_ / "mappings/fleet.yaml", old_);
  // The temporary file is hidden ('.' prefix) so the directory walk skips it,
  // as git and editors name theirs.
  loadWhileSwapping((dir_ / "mappings").string(), false, [&](int i) {
    writeText(dir_ / "mappings/.fleet.yaml.tmp", i % 2 ? old_ : new_);
    fs::rename(dir_ / "mappings/.fleet.yaml.tmp", dir_ / "mappings/fleet.yaml");
  });
}

TEST_F(MappingSwap, ConfigMapSymlinkSwapGivesOldOrNewNeverPartial) {
  // The kubelet's layout: ..data -> ..<timestamp>/, fleet.yaml -> ..data/fleet.yaml;
  // an update writes a new timestamped directory and renames a new symlink
  // over ..data.
  fs::create_directories(dir_ / "cm/..v0");
  writeText(dir_ / "cm/..v0/fleet.yaml", old_);
  fs::create_directory_symlink("..v0", dir_ / "cm/..data");
  fs::create_symlink("..data/fleet.yaml", dir_ / "cm/fleet.yaml");
  // The kubelet deletes the old directory right after the swap, so a reader
  // that resolved the old link may find its file gone: that load fails as a
  // whole (allowed), it must never come back partial.
  loadWhileSwapping((dir_ / "cm").string(), true, [&](int i) {
    const std::string version = "..v" + std::to_string(i + 1);
    fs::create_directories(dir_ / "cm" / version);
    writeText(dir_ / "cm" / version / "fleet.yaml", i % 2 ? old_ : new_);
    fs::remove(dir_ / "cm/..data_tmp");
    fs::create_directory_symlink(version, dir_ / "cm/..data_tmp");
    fs::rename(dir_ / "cm/..data_tmp", dir_ / "cm/..data");
    fs::remove_all(dir_ / "cm" / ("..v" + std::to_string(i)));  // the kubelet deletes the old one
  });
}

}  // namespace
}  // namespace ptrd::reliability
