// The NOC portal API's JSON documents (docs/noc-api.md), parsed
// defensively: a malformed document is an Error, never an empty list. Kept apart
// from the provider's control flow so parsing is tested on its own.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "providers/provider.h"

namespace ptrd::providers::noc {

struct IpsPage {
  std::vector<OwnedAddress> items;
  std::string nextCursor;  // empty: last page
};
Result<IpsPage> parseIpsPage(const std::string& body);

// {"entries": [{"ip": ..., "ptr": ...} | {"ip": ..., "reset": true}]}; hostnames
// are sent without the trailing dot, the spelling the portal's page uses.
std::string bulkBody(const std::vector<Change>& batch);
// The changes a bulkBody() carries (a journaled one, on resume), hostnames
// canonical, reverseName empty; a permanent Error for any other body or one that
// names an IP twice (nothing unreadable is replayed).
Result<std::vector<Change>> parseBulkBody(const std::string& body);

// job_id from the 202 answer to POST /v1/ptr/bulk.
Result<std::string> parseJobId(const std::string& body);

struct JobResult {
  std::string ip;
  ChangeResult::Status status = ChangeResult::Status::kFailed;
  std::string ptr;  // canonical
  std::string reason;
};
struct Job {
  std::string state;  // queued | running | done | failed
  std::vector<JobResult> results;
  bool finished() const { return state == "done" || state == "failed"; }
};
Result<Job> parseJob(const std::string& body);

// The portal's {"error": {"code", "message"}} as "code: message", or "HTTP n".
std::string errorText(int httpCode, const std::string& body);

}  // namespace ptrd::providers::noc
