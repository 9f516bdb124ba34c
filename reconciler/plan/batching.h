// Batching: the plan's changes cut into provider-sized batches.
//
// Deterministic (sorted by IP, IPv4 before IPv6) so a retried pass sends the same
// batches in the same order, and each batch holds at most maxBatchSize changes
// (the NOC API refuses more than 500 per bulk job).
//
//   makeBatches(changes_of_1200, 500)  // -> 500, 500, 200
#pragma once

#include <cstddef>
#include <vector>

#include "providers/provider.h"
#include "reconciler/plan/plan.h"

namespace ptrd {

using Batch = std::vector<providers::Change>;

// maxBatchSize 0 is treated as 1 (a provider that cannot take a batch is a bug,
// and sending one at a time is the safe reading).
std::vector<Batch> makeBatches(std::vector<PlannedChange> changes, size_t maxBatchSize);

}  // namespace ptrd
