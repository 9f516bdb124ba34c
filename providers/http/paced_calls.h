// Paced calls: how a provider without a batch endpoint applies a batch. Every
// platform here takes one address per request and publishes a request rate, so a
// "batch" is a few single calls in flight at once, each waiting for a place in
// the platform's rate windows, with one result per item.
//
//   auto limiter = std::make_shared<RateLimiter>(std::vector<RateWindow>{{400, 60s}, {7, 1s}});
//   PacedClient client(makeCurlClient(o), limiter, env);   // every attempt waits its turn
//   forEachConcurrently(batch.size(), 4, [&](size_t i, size_t worker) { out[i] = one(batch[i]); });
//
// The limiter counts requests as they are sent (retries too), in sliding windows:
// "400 per 60 s" never lets a 401st request out within any 60 s. Waiting goes
// through the RetryEnv, so SIGTERM and the pass's deadline cut it short. With a
// SentRequestsLog the count carries over to the next pass's limiter and, with a
// state file, to the next process.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "providers/provider.h"
#include "providers/http/http_client.h"
#include "providers/http/retry.h"
#include "providers/http/sent_requests_log.h"

namespace ptrd::providers::http {

struct RateWindow {
  size_t requests = 1;                 // at most this many sent ...
  std::chrono::milliseconds interval;  // ... within any interval of this length
};

// Where a limiter keeps its send times beyond its own life; no log: nowhere.
struct LimiterLog {
  std::shared_ptr<SentRequestsLog> log;
  std::string key;
};

// Thread-safe: workers of one batch share it.
class RateLimiter {
 public:
  // maxWait: the longest one request waits for its place; a budget spent for
  // longer (500 an hour, used up) leaves the request to the next pass instead
  // of holding this one for an hour.
  explicit RateLimiter(std::vector<RateWindow> windows,
                       std::chrono::milliseconds maxWait = std::chrono::minutes(2),
                       LimiterLog log = {});
  // Waits until one more request fits every window, then counts it as sent. A
  // rate-limited Error (nothing counted) when the wait would be longer than
  // maxWait or pass the pass's deadline, a transient one when a stop comes: the
  // request is then not sent at all.
  Status acquire(RetryEnv& env, std::string_view what);
  // Reads the platform's own count from an answer: X-RateLimit-Remaining 0 with
  // X-RateLimit-Reset (Unix seconds, as Linode sends them) holds every further
  // request until then -- the platform also counts other clients of the token.
  void observe(const Response& r, RetryEnv& env);

 private:
  using TimePoint = std::chrono::steady_clock::time_point;
  // Zero when a request may go now, else how long until one may.
  std::chrono::milliseconds waitNeeded(TimePoint now);
  // Takes the log's send times into the windows, once (mu_ held).
  void loadLogLocked(TimePoint now);
  // Saves the send times still inside the longest window (mu_ held).
  void saveLogLocked(TimePoint now);

  std::mutex mu_;
  std::vector<RateWindow> windows_;
  std::chrono::milliseconds maxWait_;
  std::vector<std::deque<TimePoint>> sent_;  // per window, oldest first
  LimiterLog log_;
  TimePoint heldUntil_{};  // the platform said: nothing before this
  bool logLoaded_ = false;
  size_t longest_ = 0;  // the window whose queue holds every other's times
};

// A Client whose every request first takes its place in the limiter.
class PacedClient final : public Client {
 public:
  PacedClient(std::unique_ptr<Client> inner, std::shared_ptr<RateLimiter> limiter, RetryEnv env)
      : inner_(std::move(inner)), limiter_(std::move(limiter)), env_(std::move(env)) {}
  Result<Response> send(const Request& request) override;

 private:
  std::unique_ptr<Client> inner_;
  std::shared_ptr<RateLimiter> limiter_;
  RetryEnv env_;
};

// Calls fn(item, worker) for every item in [0, count) on at most `workers`
// threads (worker in [0, workers)), and returns when all calls have returned.
// Items are taken in order; with one worker (or one item) everything runs on the
// calling thread. fn must not throw.
void forEachConcurrently(size_t count, size_t workers,
                         const std::function<void(size_t item, size_t worker)>& fn);

// A batch as concurrent single calls: applyOne(change, worker) for each change.
// An Error from applyOne means the platform refused the credentials: changes not
// yet sent are failed unsent with `notSentReason`, and that Error is the batch's
// answer (it stops the pass). Otherwise one result per change, in order.
Result<std::vector<ChangeResult>> applyEachConcurrently(
    const std::vector<Change>& batch, size_t workers, const std::string& notSentReason,
    const std::function<Result<ChangeResult>(const Change& change, size_t worker)>& applyOne);

}  // namespace ptrd::providers::http
