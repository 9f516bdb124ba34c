// Whether a bulk submission a previous process journaled may be replayed now.
//
// A journaled job is finished (polled, or its POST repeated under the same
// idempotency key) only when both hold:
//   - it is younger than the provider's idempotency window (noc: 24 h): past it
//     a repeated POST would queue a NEW job, and a months-old journal must not
//     rewrite today's PTRs. A job without a submission time counts as too old.
//   - the current plan -- after the FCrDNS gate, the policy and the safety cap --
//     still wants exactly its changes: every entry's IP planned with the same
//     action and target. The journal is never a way around those checks.
// Anything else is dropped (and logged with this reason); the level-based plan
// then decides afresh what to send.
//
//   if (auto why = whyNotReplayable(job, provider.journaledChanges(job), plan,
//                                   clock.wallNow(), provider.resumeWindow());
//       !why.empty())
//     log.warn("not replaying a journaled job", {{"job_id", job.jobId}, {"reason", why}});
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "core/result.h"
#include "providers/job_journal.h"
#include "providers/provider.h"
#include "reconciler/plan/plan.h"

namespace ptrd {

// "" when `job`, which asks for `asked` (decoded by the provider that wrote
// it), may be replayed at `now`; otherwise why not, in words for a log.
std::string whyNotReplayable(const providers::JournaledJob& job,
                             const Result<std::vector<providers::Change>>& asked, const Plan& plan,
                             std::chrono::system_clock::time_point now,
                             std::chrono::seconds window);

}  // namespace ptrd
