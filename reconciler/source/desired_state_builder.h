// Collects declarations from every source and merges them into a DesiredState.
//
// Merging rules (contract §1):
// - explicit declarations (records and bulk lines) beat ranges for the same IP;
// - the same IP declared twice with different targets (hostname or reset), among
//   the explicit ones or among ranges, is an error naming both places, and the IP
//   gets no record at all (fail closed: the intent is ambiguous);
// - identical repeats are fine and counted as duplicates;
// - an IP with any invalid declaration gets no record either, so an address is
//   never sent on the strength of half a declaration.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "reconciler/source/desired_state.h"

namespace ptrd {

class DesiredStateBuilder {
 public:
  // Registers a source (a file, or a named document inside one); returns its index.
  uint32_t addSource(std::string file, std::string name);
  void setSourceName(uint32_t source, std::string name) {
    state_.sources[source].name = std::move(name);
  }

  // Room for about n more records in one step, as far as the budget allows: a
  // vector grown by doubling briefly holds its old and new buffers (a million
  // bulk lines: ~35 MB more at the load's peak than the records themselves).
  void reserveFor(uint64_t n);
  // Both count against the budget below; past a bound they add nothing.
  void add(DesiredRecord record);
  // Called with each record's address as add() takes it, in load order, before
  // any merging (LoadOptions::onRecord).
  void onRecord(std::function<void(const IpAddress&)> callback) { onRecord_ = std::move(callback); }
  void addInvalid(uint32_t source, std::optional<IpAddress> ip, SourceLocation where,
                  std::string reason);
  void addFileError(SourceLocation where, std::string reason);

  // The budget (contract §7): how many declarations one file, and all files
  // together, may expand to. Every declaration counts, valid or invalid, each
  // address of a range and each repeat through a YAML alias, so a few hundred
  // bytes of aliases cannot become gigabytes of records. Crossing a bound adds a
  // file error naming it at the declaration that crossed it.
  enum class Bound { kNone, kPerFile, kTotal };
  void setBudget(uint64_t perFile, uint64_t total) { perFileLimit_ = perFile, totalLimit_ = total; }
  void startFile() {
    perFileCount_ = 0;
    if (hit_ == Bound::kPerFile) hit_ = Bound::kNone;
  }
  // Whether n more declarations fit; when not, records the error at `where`.
  bool fits(uint64_t n, const SourceLocation& where);
  // The bound hit, if any: readers stop, the loader throws away the result.
  Bound budgetHit() const { return hit_; }

  // A file that fails as a whole takes back the records it added (its invalid
  // declarations stay, as reports).
  size_t checkpoint() const { return pending_.size(); }
  void rollback(size_t checkpoint);

  DesiredState finish() &&;

 private:
  // Whether the group's first declaration stands (false: a conflict, recorded).
  bool mergeGroup(const std::vector<DesiredRecord*>& group);
  bool sameTarget(const DesiredRecord& a, const DesiredRecord& b) const {
    return a.reset == b.reset && a.hostname == b.hostname;
  }
  std::string describe(const DesiredRecord& r) const;

  DesiredState state_;
  std::vector<DesiredRecord> pending_;
  std::function<void(const IpAddress&)> onRecord_;
  uint64_t perFileLimit_ = UINT64_MAX, totalLimit_ = UINT64_MAX;
  uint64_t perFileCount_ = 0, totalCount_ = 0;
  Bound hit_ = Bound::kNone;
};

}  // namespace ptrd
