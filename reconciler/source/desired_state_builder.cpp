#include "reconciler/source/desired_state_builder.h"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>
#include <unordered_set>

namespace ptrd {

uint32_t DesiredStateBuilder::addSource(std::string file, std::string name) {
  state_.sources.push_back(SourceSummary{std::move(file), std::move(name), 0, 0, 0});
  return uint32_t(state_.sources.size() - 1);
}

bool DesiredStateBuilder::fits(uint64_t n, const SourceLocation& where) {
  if (hit_ != Bound::kNone) return false;
  if (n <= perFileLimit_ - std::min(perFileCount_, perFileLimit_) &&
      n <= totalLimit_ - std::min(totalCount_, totalLimit_)) {
    return true;
  }
  const bool file = n > perFileLimit_ - std::min(perFileCount_, perFileLimit_);
  hit_ = file ? Bound::kPerFile : Bound::kTotal;
  addFileError(
      where,
      file ? fmt::format("more than the limit of {} addresses per file (records, bulk lines and "
                         "range addresses, YAML aliases included); the file is not loaded",
                         perFileLimit_)
           : fmt::format("more than the limit of {} addresses in all mapping files together "
                         "(records, bulk lines and range addresses); nothing is loaded",
                         totalLimit_));
  return false;
}

void DesiredStateBuilder::add(DesiredRecord record) {
  if (!fits(1, state_.where(record))) return;
  ++perFileCount_, ++totalCount_;
  ++state_.sources[record.source].valid;
  if (onRecord_) onRecord_(record.ip);
  pending_.push_back(std::move(record));
}

void DesiredStateBuilder::rollback(size_t checkpoint) {
  const uint64_t removed = pending_.size() - std::min(checkpoint, pending_.size());
  perFileCount_ -= std::min(perFileCount_, removed);
  totalCount_ -= std::min(totalCount_, removed);
  for (size_t i = checkpoint; i < pending_.size(); ++i) --state_.sources[pending_[i].source].valid;
  pending_.resize(checkpoint);
}

void DesiredStateBuilder::addInvalid(uint32_t source, std::optional<IpAddress> ip,
                                     SourceLocation where, std::string reason) {
  if (!fits(1, where)) return;
  ++perFileCount_, ++totalCount_;
  ++state_.sources[source].invalid;
  state_.invalid.push_back(InvalidDeclaration{ip, Diagnostic{std::move(where), std::move(reason)}});
}

void DesiredStateBuilder::addFileError(SourceLocation where, std::string reason) {
  state_.fileErrors.push_back(Diagnostic{std::move(where), std::move(reason)});
}

std::string DesiredStateBuilder::describe(const DesiredRecord& r) const {
  return r.reset ? std::string("reset: true") : fmt::format("\"{}\"", r.hostname);
}

// Merges all declarations of one IP, given explicit ones first and each kind in
// the order it was read.
bool DesiredStateBuilder::mergeGroup(const std::vector<DesiredRecord*>& group) {
  DesiredRecord& first = *group.front();
  bool explicit_seen = first.kind != DeclarationKind::kRange;
  for (size_t i = 1; i < group.size(); ++i) {
    const DesiredRecord& other = *group[i];
    // Ranges shadowed by an explicit declaration are simply overridden.
    if (explicit_seen && other.kind == DeclarationKind::kRange) break;
    if (sameTarget(first, other)) {
      ++state_.sources[other.source].duplicates;
      continue;
    }
    // Neither declaration stands: count both as invalid, report once at the later one.
    --state_.sources[other.source].valid;
    --state_.sources[first.source].valid;
    ++state_.sources[first.source].invalid;
    // Not through addInvalid: a conflict is a verdict on records already counted.
    ++state_.sources[other.source].invalid;
    state_.invalid.push_back(InvalidDeclaration{
        other.ip,
        Diagnostic{state_.where(other),
                   fmt::format("{} is declared as {} here and as {} at {} (one IP, one PTR)",
                               other.ip.str(), describe(other), describe(first),
                               state_.where(first).str())}});
    return false;  // conflicting: no record for this IP
  }
  return true;
}

void DesiredStateBuilder::reserveFor(uint64_t n) {
  auto room = [](uint64_t limit, uint64_t used) { return limit > used ? limit - used : 0; };
  n = std::min({n, room(perFileLimit_, perFileCount_), room(totalLimit_, totalCount_)});
  pending_.reserve(pending_.size() + size_t(n));
}

DesiredState DesiredStateBuilder::finish() && {
  // Sort small keys rather than the records themselves: with a million bulk lines
  // moving 70-byte records around dominates the load. The index breaks ties, so
  // file order is kept inside each IP.
  struct Key {
    uint64_t hi, lo;
    uint32_t family;
    uint32_t index;
    bool operator<(const Key& o) const {
      return std::tie(family, hi, lo, index) < std::tie(o.family, o.hi, o.lo, o.index);
    }
  };
  std::vector<Key> keys(pending_.size());
  for (size_t i = 0; i < pending_.size(); ++i) {
    const auto& bytes = pending_[i].ip.bytes();
    uint64_t hi = 0, lo = 0;
    for (size_t b = 0; b < 8; ++b) hi = (hi << 8) | bytes[b];
    for (size_t b = 8; b < 16; ++b) lo = (lo << 8) | bytes[b];
    keys[i] = Key{hi, lo, uint32_t(pending_[i].ip.family()), uint32_t(i)};
  }
  std::sort(keys.begin(), keys.end());

  // Records in key order in place, following the permutation's cycles: no second
  // vector of records beside the first (a million records: 70 MB less at the peak).
  for (size_t k = 0; k < keys.size(); ++k) {
    if (keys[k].index == k) continue;
    DesiredRecord held = std::move(pending_[k]);
    for (size_t at = k;;) {
      const size_t from = keys[at].index;
      keys[at].index = uint32_t(at);  // placed
      if (from == k) {
        pending_[at] = std::move(held);
        break;
      }
      pending_[at] = std::move(pending_[from]);
      at = from;
    }
  }

  std::unordered_set<IpAddress> tainted;
  for (const auto& inv : state_.invalid) {
    if (inv.ip) tainted.insert(*inv.ip);
  }
  // Merged records are written back from the front: slot `kept` never lies past
  // the group being read.
  size_t kept = 0;
  std::vector<DesiredRecord*> group;
  for (size_t first = 0; first < keys.size();) {
    size_t last = first + 1;
    while (last < keys.size() && keys[last].family == keys[first].family &&
           keys[last].hi == keys[first].hi && keys[last].lo == keys[first].lo) {
      ++last;
    }
    group.clear();
    for (size_t k = first; k < last; ++k) group.push_back(&pending_[k]);
    std::stable_partition(group.begin(), group.end(), [](const DesiredRecord* r) {
      return r->kind != DeclarationKind::kRange;
    });
    if (!tainted.contains(group.front()->ip) && mergeGroup(group)) {
      if (group.front() != &pending_[kept]) pending_[kept] = std::move(*group.front());
      ++kept;
    }
    first = last;
  }
  pending_.resize(kept);
  // A copy to the exact size only when it saves much: it briefly holds both.
  if (pending_.capacity() - kept > kept / 8) pending_.shrink_to_fit();
  state_.records = std::move(pending_);
  pending_ = {};
  return std::move(state_);
}

uint64_t DesiredState::duplicates() const {
  uint64_t n = 0;
  for (const auto& s : sources) n += s.duplicates;
  return n;
}

const DesiredRecord* DesiredState::find(const IpAddress& ip) const {
  auto it = std::lower_bound(records.begin(), records.end(), ip,
                             [](const DesiredRecord& r, const IpAddress& v) { return r.ip < v; });
  return it != records.end() && it->ip == ip ? &*it : nullptr;
}

}  // namespace ptrd
