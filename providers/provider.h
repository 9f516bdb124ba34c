// Provider: the one interface between ptrd's reconciler and a PTR API.
//
// Providers are thin adapters: they speak canonical text (IP addresses in RFC 5952
// / dotted-quad form, hostnames lower case with one trailing dot) and never decide
// what should change; the reconciler does. Implementations live one per folder
// (providers/powerdns, providers/noc) and are picked by makeProvider() through
// the registry (providers/registry.h).
#pragma once

#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "providers/job_journal.h"
#include "providers/provider_wait.h"
#include "core/result.h"

namespace ptrd::providers {

// One address the provider lists on this account.
struct OwnedAddress {
  std::string ip;          // canonical text
  std::string ptr;         // current PTR target, canonical; empty when none
  std::string defaultPtr;  // the provider's default PTR, canonical; empty if it has none
  bool custom = false;     // ptr differs from the default (a user set it)
};

struct Inventory {
  std::vector<OwnedAddress> addresses;
  // Reverse zones the account controls (canonical, trailing dot), e.g.
  // "113.0.203.in-addr.arpa.": every address under them is owned even when it
  // has no record yet (PowerDNS). Empty for providers that list every address (noc).
  std::vector<std::string> ownedZones;
};

struct Change {
  enum class Action { kSet, kReset };
  std::string ip;           // canonical text
  std::string reverseName;  // e.g. "10.113.0.203.in-addr.arpa."
  Action action = Action::kSet;
  std::string hostname;  // canonical target for kSet; empty for kReset
  // The PTR the inventory showed for this address when the plan was made
  // (canonical; empty = none). Providers that can make a write conditional
  // (RFC 2136 prerequisites) use it so a concurrent writer's change is never
  // overwritten; the others ignore it.
  std::string observedPtr = {};  // (an initializer: brace-initialised Changes may leave it out)
};

struct ChangeResult {
  // kRefusedForward: the platform checked forward DNS itself and refused the name
  // (its words in `reason`); reported as blocked_forward and retried next pass.
  enum class Status { kApplied, kInvalid, kNotYours, kFailed, kRefusedForward };
  std::string ip;
  Status status = Status::kFailed;
  std::string ptr;     // PTR the provider reports after the change, canonical
  std::string reason;  // provider's text for anything but kApplied
  // What was asked. Filled by resume() from what the provider journaled, so the
  // daemon counts a resumed job's changes without knowing the journal's format.
  Change::Action action = Change::Action::kSet;
};

// "applied", "invalid", "not_yours", "failed", "refused_forward"
const char* statusName(ChangeResult::Status s);
const char* actionName(Change::Action a);  // "set", "reset"

// Told about every HTTP request a provider makes, for
// ptrd_provider_requests_total{provider, operation, code} and
// ptrd_provider_request_duration_seconds{provider, operation}. code is the HTTP
// status, or 0 when no response came (timeout, connection refused); seconds is
// how long the request took (negative when the caller did not time it).
// A class rather than a std::function alias so that observers written as
// (operation, code) keep working next to ones that also take the seconds.
class RequestObserver {
 public:
  using Fn = std::function<void(const std::string& operation, int code, double seconds)>;
  RequestObserver() = default;
  RequestObserver(std::nullptr_t) {}  // NOLINT: "no observer", as with std::function
  template <typename F>
  requires std::invocable<F&, const std::string&, int, double> RequestObserver(F f)
      : fn_(std::move(f)) {}  // NOLINT: implicit, like std::function
  template <typename F>
  requires(std::invocable<F&, const std::string&, int> &&
           !std::invocable<F&, const std::string&, int, double>)
      RequestObserver(F f)  // NOLINT: implicit, like std::function
      : fn_([f = std::move(f)](const std::string& op, int code, double) mutable { f(op, code); }) {}

  explicit operator bool() const { return static_cast<bool>(fn_); }
  void operator()(const std::string& operation, int code, double seconds = -1) const {
    fn_(operation, code, seconds);
  }

 private:
  Fn fn_;
};

// A provider's own settings beyond the shared ones below (servers, zones, several
// secret files, a region): its readSettings fills a struct derived from this one
// and its factory reads it back with ProviderConfig::own<T>(). Nothing outside the
// provider's folder knows the derived type.
struct ProviderSettings {
  virtual ~ProviderSettings() = default;
};

struct ProviderConfig {
  std::string type;  // a registered type (providers/registry.h)
  std::string url;
  std::string apiKeyFile;       // powerdns: X-API-Key; noc: bearer token (tokenFile)
  size_t batchSize = 500;       // noc: <= 500; powerdns: rrsets per PATCH
  std::string defaultTemplate;  // powerdns: reset target, e.g. "{dashed}.static.example.net.";
                                // empty = delete
  std::string caFile;           // extra CA bundle for TLS; verification is never off
  std::chrono::milliseconds requestTimeout{10000};
  std::chrono::milliseconds jobTimeout{300000};  // noc: how long to wait for one bulk job
  std::string stateFile;  // noc: in-flight job ids survive restarts (issue: daemon)
  uint32_t ttl = 300;     // powerdns: TTL of the PTR rrsets it writes
  // noc: told before and after each bulk submission so the daemon can persist
  // {idempotency key, job id}; null = nothing is recorded.
  std::shared_ptr<JobJournal> jobJournal;
  // How the provider waits (Retry-After, backoff, job polling): the daemon's cuts
  // waits short on SIGTERM and bounds them by the pass's deadline; null = plain sleeps.
  std::shared_ptr<ProviderWait> wait;
  // The provider's own settings (see ProviderSettings); null when it has none.
  std::shared_ptr<const ProviderSettings> settings;

  // The provider's own settings as its type, or null when absent or another type.
  template <typename T>
  const T* own() const {
    return dynamic_cast<const T*>(settings.get());
  }
};

// Bounds on what one inventory read takes in, so a provider that answers with
// endless pages or items makes the read fail with an error naming the bound
// instead of filling memory (the answer body itself: http::kMaxBodyBytes).
inline constexpr size_t kMaxInventoryItems = 10'000'000;
inline constexpr size_t kMaxInventoryPages = 10'000;  // noc: 10,000 pages of 1,000 items
inline constexpr size_t kMaxZones = 100'000;          // powerdns: one GET per zone

class Provider {
 public:
  virtual ~Provider() = default;
  virtual std::string type() const = 0;
  // Largest batch apply() takes.
  virtual size_t maxBatchSize() const = 0;
  // Every listed address with its current PTR. A failure is an Error (transient
  // when retrying may help), never an empty inventory.
  virtual Result<Inventory> inventory() = 0;
  // The same listing handed over page by page as it is read, so a caller can
  // keep a compact form of it instead of the whole Inventory; returns the owned
  // zones. An Error means the listing failed: whatever pages were handed over
  // must then be dropped, never used as the inventory. By default one page: the
  // whole inventory().
  using InventoryPage = std::function<void(std::vector<OwnedAddress>&& page)>;
  virtual Result<std::vector<std::string>> inventoryPages(const InventoryPage& page) {
    auto whole = inventory();
    if (!whole) return whole.error();
    page(std::move(whole->addresses));
    return std::move(whole->ownedZones);
  }
  // Applies one batch (size <= maxBatchSize()), waits for any asynchronous job and
  // returns one result per change, in the batch's order. An Error means the
  // batch's fate is unknown or it was not accepted at all.
  virtual Result<std::vector<ChangeResult>> apply(const std::vector<Change>& batch) = 0;
  // Finishes a submission an earlier process recorded in the JobJournal instead of
  // sending its changes again (the daemon calls it after planning, only for jobs
  // the plan still wants): with a job
  // id it waits for that job; without one it repeats the POST under the same
  // idempotency key, which the portal answers with the first job. Returns the
  // job's per-address results. Providers without asynchronous jobs have nothing
  // to resume.
  virtual Result<std::vector<ChangeResult>> resume(const JournaledJob& job) {
    (void)job;
    return std::vector<ChangeResult>{};
  }
  // How long after its submission a journaled job may still be resumed: the
  // API's idempotency window (past it, repeating the POST would queue a new
  // job). Zero: nothing is ever resumed.
  virtual std::chrono::seconds resumeWindow() const { return std::chrono::seconds(0); }
  // What a journaled job asks for, decoded from the body this provider wrote
  // (one Change per address; reverseName may be empty). The daemon checks it
  // against the current plan before resume(): the journal's format stays the
  // provider's business. An Error for a body this provider did not write.
  virtual Result<std::vector<Change>> journaledChanges(const JournaledJob& job) const {
    (void)job;
    return Error::permanent("this provider journals no jobs");
  }
};

// Through the registry; "unknown provider 'x' (a, b or c)" for a type it does not know.
Result<std::unique_ptr<Provider>> makeProvider(const ProviderConfig& config,
                                               RequestObserver observer);

}  // namespace ptrd::providers
