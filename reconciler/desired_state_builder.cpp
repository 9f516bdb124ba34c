#include "reconciler/desired_state_builder.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_set>

namespace ptrd {

uint32_t DesiredStateBuilder::addSource(std::string file, std::string name) {
  state_.sources.push_back(SourceSummary{std::move(file), std::move(name), 0, 0, 0});
  return uint32_t(state_.sources.size() - 1);
}

void DesiredStateBuilder::add(DesiredRecord record) {
  ++state_.sources[record.source].valid;
  pending_.push_back(std::move(record));
}

void DesiredStateBuilder::rollback(size_t checkpoint) {
  for (size_t i = checkpoint; i < pending_.size(); ++i) --state_.sources[pending_[i].source].valid;
  pending_.resize(checkpoint);
}

void DesiredStateBuilder::addInvalid(uint32_t source, std::optional<IpAddress> ip, SourceLocation where,
                                     std::string reason) {
  ++state_.sources[source].invalid;
  state_.invalid.push_back(InvalidDeclaration{ip, Diagnostic{std::move(where), std::move(reason)}});
}

void DesiredStateBuilder::addFileError(SourceLocation where, std::string reason) {
  state_.fileErrors.push_back(Diagnostic{std::move(where), std::move(reason)});
}

std::string DesiredStateBuilder::describe(const DesiredRecord& r) const {
  return r.reset ? std::string("reset: true") : fmt::format("\"{}\"", r.hostname);
}

// Merges all declarations of one IP (explicit ones sorted before ranges, each in
// the order they were read).
void DesiredStateBuilder::mergeGroup(std::vector<DesiredRecord>::iterator first,
                                     std::vector<DesiredRecord>::iterator last,
                                     std::vector<DesiredRecord>& out) {
  bool explicit_seen = first->kind != DeclarationKind::kRange;
  auto end = explicit_seen
                 ? std::find_if(first, last, [](const DesiredRecord& r) { return r.kind == DeclarationKind::kRange; })
                 : last;
  // Ranges shadowed by an explicit declaration are simply overridden.
  for (auto it = first + 1; it != end; ++it) {
    if (sameTarget(*first, *it)) {
      ++state_.sources[it->source].duplicates;
      continue;
    }
    auto where = state_.where(*it);
    --state_.sources[it->source].valid;
    addInvalid(it->source, it->ip, where,
               fmt::format("{} is declared as {} here and as {} at {} (one IP, one PTR)", it->ip.str(),
                           describe(*it), describe(*first), state_.where(*first).str()));
    return;  // conflicting: no record for this IP
  }
  out.push_back(std::move(*first));
}

DesiredState DesiredStateBuilder::finish() && {
  // Stable sort keeps file order inside each IP, explicit declarations first.
  std::stable_sort(pending_.begin(), pending_.end(), [](const DesiredRecord& a, const DesiredRecord& b) {
    if (a.ip != b.ip) return a.ip < b.ip;
    return (a.kind == DeclarationKind::kRange) < (b.kind == DeclarationKind::kRange);
  });
  std::unordered_set<IpAddress> tainted;
  for (const auto& inv : state_.invalid) {
    if (inv.ip) tainted.insert(*inv.ip);
  }
  std::vector<DesiredRecord> merged;
  merged.reserve(pending_.size());
  for (auto first = pending_.begin(); first != pending_.end();) {
    auto last = first + 1;
    while (last != pending_.end() && last->ip == first->ip) ++last;
    if (!tainted.contains(first->ip)) mergeGroup(first, last, merged);
    first = last;
  }
  pending_.clear();
  pending_.shrink_to_fit();
  state_.records = std::move(merged);
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
