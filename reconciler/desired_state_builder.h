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

#include <string>
#include <vector>

#include "reconciler/desired_state.h"

namespace ptrd {

class DesiredStateBuilder {
 public:
  // Registers a source (a file, or a named document inside one); returns its index.
  uint32_t addSource(std::string file, std::string name);
  void setSourceName(uint32_t source, std::string name) { state_.sources[source].name = std::move(name); }

  void add(DesiredRecord record);
  void addInvalid(uint32_t source, std::optional<IpAddress> ip, SourceLocation where, std::string reason);
  void addFileError(SourceLocation where, std::string reason);

  // A file that fails as a whole takes back the records it added (its invalid
  // declarations stay, as reports).
  size_t checkpoint() const { return pending_.size(); }
  void rollback(size_t checkpoint);

  DesiredState finish() &&;

 private:
  void mergeGroup(const std::vector<DesiredRecord*>& group, std::vector<DesiredRecord>& out);
  bool sameTarget(const DesiredRecord& a, const DesiredRecord& b) const {
    return a.reset == b.reset && a.hostname == b.hostname;
  }
  std::string describe(const DesiredRecord& r) const;

  DesiredState state_;
  std::vector<DesiredRecord> pending_;
};

}  // namespace ptrd
