// loadMappings(): mapping files and directories → DesiredState (contract §1).
//
// Paths may be files or directories (walked as mapping_walk.h says). Every file
// is read whole and safely (input_file.h: regular files only, bounded, never a
// torn read, a leading byte-order mark dropped), then parsed as PTRMappings YAML
// or, for *.txt/*.csv, as bulk lines.
//
// Inputs are bounded (contract §7), each bound a named constant below; hitting
// one is an error naming it, and never a partial desired state: the file (or, for
// the total, everything) is not loaded.
//
//   auto desired = loadMappings({"mappings/"});
//   for (auto& e : desired.fileErrors) fmt::print("{}\n", e.str());
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "reconciler/source/desired_state.h"
#include "reconciler/source/input_file.h"
#include "reconciler/source/mapping_walk.h"

namespace ptrd {

// A range with more addresses than this is refused rather than expanded (a /8
// typo would otherwise become gigabytes of records); `validate --max-range-size`.
inline constexpr uint64_t kMaxRangeSize = 65'536;
// Declarations (records, bulk lines, range addresses, each YAML alias repeat) one
// file, and all files together, may expand to. 1M lines is the largest fleet file
// we benchmark; four such files in total.
inline constexpr uint64_t kMaxAddressesPerFile = uint64_t(1) << 20;  // 1,048,576
inline constexpr uint64_t kMaxAddressesTotal = uint64_t(1) << 22;    // 4,194,304

struct LoadOptions {
  LoadOptions() = default;
  // What `validate --max-range-size` sets; everything else keeps its default.
  explicit LoadOptions(uint64_t rangeSize) : maxRangeSize(rangeSize) {}

  uint64_t maxRangeSize = kMaxRangeSize;
  uint64_t maxAddressesPerFile = kMaxAddressesPerFile;
  uint64_t maxAddressesTotal = kMaxAddressesTotal;
  ReadLimits read;                   // size of one file, torn-read retries
  WalkLimits walk;                   // directory depth and entries
  FileSystem* fileSystem = nullptr;  // null = the real one (tests inject faults)
  // Each valid declaration's address as it is read, in load order, before the
  // files are merged (so also ones a later conflict or error drops): `check`
  // asks DNS about the first ones while the rest loads. Null: nothing.
  std::function<void(const IpAddress&)> onRecord;
};

DesiredState loadMappings(const std::vector<std::string>& paths, const LoadOptions& options = {});

}  // namespace ptrd
