#include "reconciler/plan/batching.h"

#include <algorithm>

namespace ptrd {

std::vector<Batch> makeBatches(std::vector<PlannedChange> changes, size_t maxBatchSize) {
  const size_t cap = std::max<size_t>(maxBatchSize, 1);
  std::stable_sort(changes.begin(), changes.end(),
                   [](const PlannedChange& a, const PlannedChange& b) { return a.ip < b.ip; });
  std::vector<Batch> out;
  for (size_t i = 0; i < changes.size(); i += cap) {
    Batch b;
    const size_t end = std::min(changes.size(), i + cap);
    b.reserve(end - i);
    for (size_t j = i; j < end; ++j) b.push_back(std::move(changes[j].change));
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace ptrd
