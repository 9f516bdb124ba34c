#include "providers/noc/noc_provider.h"

#include <fmt/format.h>

#include <algorithm>
#include <random>
#include <set>
#include <unordered_map>

#include "core/hostname.h"

namespace ptrd::providers::noc {
namespace {

Error responseError(const std::string& what, const http::Response& r) {
  std::string msg = fmt::format("NOC API {}: {}", what, errorText(r.code, r.body));
  if (r.code == 401 || r.code == 403)
    return Error::auth(fmt::format("NOC API {}: the portal refused the token ({})", what,
                                   errorText(r.code, r.body)));
  if (r.code == 429) return Error::rateLimited(msg);
  if (http::isRetryableCode(r.code)) return Error::transient(msg);
  // The portal objects to what we sent: splitting the batch finds the entry.
  if (r.code == 400 || r.code == 413 || r.code == 422) return Error::rejected(msg);
  return Error::permanent(msg);
}

// FNV-1a: a short, stable digest of the batch so keys are readable in the
// portal's logs and distinct batches never share a key by accident.
uint64_t digest(const std::string& s) {
  uint64_t h = 1469598103934665603ull;
  for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return h;
}

std::string randomNonce() {
  std::random_device rd;
  return fmt::format("{:08x}{:08x}", rd(), rd());
}

}  // namespace

NocProvider::NocProvider(NocOptions options, std::unique_ptr<http::Client> client,
                         http::RetryEnv env)
    : options_(std::move(options)), client_(std::move(client)), env_(std::move(env)) {
  if (options_.batchSize == 0 || options_.batchSize > kMaxBulkEntries)
    options_.batchSize = kMaxBulkEntries;
  if (options_.pageLimit == 0 || options_.pageLimit > 1000) options_.pageLimit = 1000;
  if (options_.keyNonce.empty()) options_.keyNonce = randomNonce();
  if (!options_.journal) options_.journal = std::make_shared<JobJournal>();
}

http::Request NocProvider::request(std::string operation, std::string method,
                                   const std::string& path, std::string body) const {
  return http::bearerJsonRequest(std::move(operation), std::move(method), options_.url, path,
                                 options_.token, std::move(body));
}

Result<Inventory> NocProvider::inventory() {
  Inventory inv;
  auto zones = inventoryPages([&](std::vector<OwnedAddress>&& page) {
    for (auto& a : page) inv.addresses.push_back(std::move(a));
  });
  if (!zones) return zones.error();
  return inv;  // the portal lists every address: no owned zones
}

Result<std::vector<std::string>> NocProvider::inventoryPages(const InventoryPage& take) {
  size_t items = 0;
  std::string cursor;
  std::set<std::string> seen;  // a cursor that repeats would page forever
  for (size_t pages = 0;; ++pages) {
    if (pages >= options_.maxPages) {
      return Error::permanent(
          fmt::format("NOC API listing addresses: more than {} pages (the bound on "
                      "one listing); the cursor never ends",
                      options_.maxPages));
    }
    std::string path = fmt::format("/v1/ips?limit={}", options_.pageLimit);
    if (!cursor.empty()) path += "&cursor=" + http::urlEncode(cursor);
    auto r = http::sendWithRetry(*client_, request("list_ips", "GET", path), options_.retry, env_);
    if (!r) return r.error();
    if (r->code != 200) return responseError("listing addresses", *r);
    auto page = parseIpsPage(r->body);
    if (!page) return page.error();
    if (page->items.size() > options_.maxItems - items) {
      return Error::permanent(fmt::format(
          "NOC API listing addresses: more than {} addresses (the bound on one inventory)",
          options_.maxItems));
    }
    items += page->items.size();
    take(std::move(page->items));
    if (page->nextCursor.empty()) return std::vector<std::string>{};
    if (!seen.insert(page->nextCursor).second)
      return Error::transient("NOC API listing addresses: the cursor repeats");
    cursor = page->nextCursor;
  }
}

std::string NocProvider::idempotencyKey(uint64_t sequence, const std::string& body) const {
  return fmt::format("ptrd-{}-{}-{:016x}", options_.keyNonce, sequence, digest(body));
}

Result<std::string> NocProvider::submit(const std::string& key, const std::string& body) {
  auto req = request("bulk_submit", "POST", "/v1/ptr/bulk", body);
  req.headers.emplace_back("Idempotency-Key", key);
  auto r = http::sendWithRetry(*client_, req, options_.retry, env_);
  if (!r) return r.error();
  if (r->code != 202 && r->code != 200 && r->code != 201)
    return responseError("submitting a bulk job", *r);
  return parseJobId(r->body);
}

Result<Job> NocProvider::waitForJob(const std::string& jobId) {
  // jobTimeout, or less when the pass must end sooner: a job that never finishes
  // costs one bounded wait, not one per batch.
  const auto deadline = env_.bound(env_.now() + options_.jobTimeout);
  auto wait = options_.pollFirst;
  std::string state;  // as last read; empty before the first poll
  auto stillError = [&] {
    return Error::transient(
        fmt::format("NOC API job {} still {} at its deadline (jobTimeout {} ms, or the "
                    "pass's deadline if sooner)",
                    jobId, state, options_.jobTimeout.count()));
  };
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - env_.now());
    env_.sleep(std::clamp(wait, std::chrono::milliseconds(0),
                          std::max(left, std::chrono::milliseconds(0))));
    // The job stays in the journal: the next process (or pass) waits for it again.
    if (env_.isStopped())
      return Error::transient(fmt::format("NOC API job {}: {}", jobId, kStoppedReason));
    if (!state.empty() && env_.now() >= env_.bound(std::chrono::steady_clock::time_point::max()))
      return stillError();  // the pass's deadline: no request may be sent any more
    auto r = http::sendWithRetry(*client_,
                                 request("get_job", "GET", "/v1/jobs/" + http::urlEncode(jobId)),
                                 options_.retry, env_);
    if (!r) return r.error();
    if (r->code != 200) return responseError(fmt::format("reading job {}", jobId), *r);
    auto job = parseJob(r->body);
    if (!job) return job.error();
    if (job->finished()) return job;
    state = job->state;
    if (env_.now() >= deadline) return stillError();
    wait = std::min(wait * 2, options_.pollCap);
  }
}

Result<std::vector<ChangeResult>> NocProvider::apply(const std::vector<Change>& batch) {
  if (batch.empty()) return std::vector<ChangeResult>{};
  if (batch.size() > options_.batchSize) {
    return Error::permanent(fmt::format("NOC API: batch of {} exceeds the limit of {}",
                                        batch.size(), options_.batchSize));
  }
  const std::string body = bulkBody(batch);
  const std::string key = idempotencyKey(++sequence_, body);
  options_.journal->recordSubmitting(key, body);
  auto jobId = submit(key, body);
  // On an Error the job may or may not exist: the journal keeps the key so the
  // daemon can ask again with it instead of queuing the changes twice.
  if (!jobId) return jobId.error();
  options_.journal->recordJob(key, *jobId);
  auto job = waitForJob(*jobId);
  if (!job) return job.error();
  options_.journal->done(key);

  std::unordered_map<std::string, const JobResult*> byIp;
  for (const JobResult& r : job->results) byIp[r.ip] = &r;
  std::vector<ChangeResult> out(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    out[i].ip = batch[i].ip;
    out[i].action = batch[i].action;
    auto it = byIp.find(batch[i].ip);
    if (it == byIp.end()) {
      out[i].status = ChangeResult::Status::kFailed;
      out[i].reason = fmt::format("job {} ({}) has no result for this address", *jobId, job->state);
      continue;
    }
    out[i].status = it->second->status;
    out[i].ptr = it->second->ptr;
    out[i].reason = it->second->reason;
  }
  return out;
}

Result<std::vector<ChangeResult>> NocProvider::resume(const JournaledJob& pending) {
  std::string jobId = pending.jobId;
  if (jobId.empty()) {
    // The portal maps a known key to its first job, so this never queues a second one.
    auto id = submit(pending.idempotencyKey, pending.body);
    if (!id) return id.error();
    jobId = *id;
    options_.journal->recordJob(pending.idempotencyKey, jobId);
  }
  auto job = waitForJob(jobId);
  if (!job) return job.error();
  options_.journal->done(pending.idempotencyKey);
  std::unordered_map<std::string, Change::Action> actions;
  if (auto sent = parseBulkBody(pending.body)) {
    for (const Change& c : *sent) actions[c.ip] = c.action;
  }
  std::vector<ChangeResult> out;
  out.reserve(job->results.size());
  for (const JobResult& r : job->results) {
    auto it = actions.find(r.ip);
    out.push_back(ChangeResult{r.ip, r.status, r.ptr, r.reason,
                               it == actions.end() ? Change::Action::kSet : it->second});
  }
  return out;
}

Result<std::vector<Change>> NocProvider::journaledChanges(const JournaledJob& job) const {
  return parseBulkBody(job.body);
}

Result<std::unique_ptr<Provider>> makeNocProvider(const ProviderConfig& config,
                                                  RequestObserver observer) {
  if (config.url.empty()) return Error::permanent("noc provider: url is not set");
  if (config.batchSize > kMaxBulkEntries)
    return Error::permanent(
        fmt::format("noc provider: batchSize {} exceeds the portal's limit of {}", config.batchSize,
                    kMaxBulkEntries));
  auto token = http::readSecretFile(config.apiKeyFile);
  if (!token)
    return Error::permanent(fmt::format("noc provider: tokenFile: {}", token.error().message));
  NocOptions o;
  o.url = config.url;
  o.token = *token;
  o.batchSize = config.batchSize;
  o.jobTimeout = config.jobTimeout;
  o.journal = config.jobJournal;
  // One request's retries end by 2 min, or one requestTimeout when that is longer.
  o.retry.deadline = std::max(o.retry.deadline, config.requestTimeout);
  auto client = http::makeCurlClient(http::curlOptionsFor(config, std::move(observer)));
  return std::unique_ptr<Provider>(std::make_unique<NocProvider>(
      std::move(o), std::move(client), http::RetryEnv::from(config.wait)));
}

}  // namespace ptrd::providers::noc
