// NocProvider: the hosting provider's NOC portal API (docs/noc-api.md).
//
// inventory() pages through GET /v1/ips. apply() submits one bulk job per batch
// (POST /v1/ptr/bulk, at most 500 entries) under an Idempotency-Key that is new
// for every apply() call and reused on each retry of it, so a retried POST whose
// first answer was lost never queues a second job; then it polls the job until
// it ends or jobTimeout passes. 429 waits as long as Retry-After says (within the
// request's deadline); 5xx and transport failures back off exponentially with
// jitter. Clock, sleep, stop and the pass deadline come from a RetryEnv so tests
// run without real time and SIGTERM cuts any wait short. 401/403 is an auth
// Error: the reconciler stops the pass instead of trying smaller batches.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "providers/http/http_client.h"
#include "providers/http/retry.h"
#include "providers/noc/noc_json.h"
#include "providers/provider.h"
#include "providers/registry.h"

namespace ptrd::providers::noc {

constexpr size_t kMaxBulkEntries = 500;  // the portal's limit per bulk run
// The portal answers a repeated Idempotency-Key with the first job for 24 h.
constexpr std::chrono::hours kIdempotencyWindow{24};

struct NocOptions {
  std::string url;    // base, e.g. https://noc.example.net/api
  std::string token;  // bearer token; never logged
  size_t batchSize = kMaxBulkEntries;
  std::chrono::milliseconds jobTimeout{300000};
  http::RetryPolicy retry;
  std::chrono::milliseconds pollFirst{25};  // first wait before reading the job
  std::chrono::milliseconds pollCap{2000};
  size_t pageLimit = 1000;
  size_t maxPages = kMaxInventoryPages;  // a listing with more is an error
  size_t maxItems = kMaxInventoryItems;
  // Distinguishes this process's idempotency keys from another's; random if empty.
  std::string keyNonce;
  std::shared_ptr<JobJournal> journal;  // null: nothing recorded
};

class NocProvider : public Provider {
 public:
  NocProvider(NocOptions options, std::unique_ptr<http::Client> client, http::RetryEnv env);

  std::string type() const override { return "noc"; }
  size_t maxBatchSize() const override { return options_.batchSize; }
  Result<Inventory> inventory() override;
  // Each 1,000-address page as it arrives (the daemon keeps none of it whole).
  Result<std::vector<std::string>> inventoryPages(const InventoryPage& page) override;
  Result<std::vector<ChangeResult>> apply(const std::vector<Change>& batch) override;
  Result<std::vector<ChangeResult>> resume(const JournaledJob& job) override;
  std::chrono::seconds resumeWindow() const override { return kIdempotencyWindow; }
  Result<std::vector<Change>> journaledChanges(const JournaledJob& job) const override;

 private:
  http::Request request(std::string operation, std::string method, const std::string& path,
                        std::string body = {}) const;
  // "ptrd-<process nonce>-<apply sequence>-<digest of body>": unique per apply()
  // call, so a later identical batch is applied again rather than answered with
  // an old job, yet stable across the retries of one call.
  std::string idempotencyKey(uint64_t sequence, const std::string& body) const;
  Result<std::string> submit(const std::string& key, const std::string& body);
  Result<Job> waitForJob(const std::string& jobId);

  NocOptions options_;
  std::unique_ptr<http::Client> client_;
  http::RetryEnv env_;
  std::atomic<uint64_t> sequence_{0};
};

Result<std::unique_ptr<Provider>> makeNocProvider(const ProviderConfig& config,
                                                  RequestObserver observer);

// The registry's entry for this folder (settings block, capabilities, factory).
ProviderType providerType();

}  // namespace ptrd::providers::noc
