#include "providers/http/paced_calls.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <optional>
#include <thread>

namespace ptrd::providers::http {

RateLimiter::RateLimiter(std::vector<RateWindow> windows, std::chrono::milliseconds maxWait,
                         LimiterLog log)
    : windows_(std::move(windows)), maxWait_(maxWait), log_(std::move(log)) {
  for (auto& w : windows_) w.requests = std::max<size_t>(w.requests, 1);
  sent_.resize(windows_.size());
  for (size_t i = 1; i < windows_.size(); ++i)
    if (windows_[i].interval > windows_[longest_].interval) longest_ = i;
}

void RateLimiter::loadLogLocked(TimePoint now) {
  if (logLoaded_ || !log_.log) return;
  logLoaded_ = true;
  // Wall-clock times become points on the limiter's own (steady) clock by their
  // age; the log has none later than now.
  const int64_t wallNow = log_.log->nowMs();
  for (int64_t t : log_.log->sent(log_.key)) {
    TimePoint at = now - std::chrono::milliseconds(wallNow - t);
    for (size_t i = 0; i < windows_.size(); ++i)
      if (at + windows_[i].interval > now) sent_[i].push_back(at);
  }
}

void RateLimiter::saveLogLocked(TimePoint now) {
  if (!log_.log || windows_.empty()) return;
  const int64_t wallNow = log_.log->nowMs();
  std::vector<int64_t> times;
  times.reserve(sent_[longest_].size());
  for (TimePoint at : sent_[longest_])
    times.push_back(wallNow -
                    std::chrono::duration_cast<std::chrono::milliseconds>(now - at).count());
  log_.log->record(log_.key, std::move(times));
}

std::chrono::milliseconds RateLimiter::waitNeeded(TimePoint now) {
  using std::chrono::milliseconds;
  milliseconds wait{0};
  if (heldUntil_ > now) wait = std::chrono::ceil<milliseconds>(heldUntil_ - now);
  for (size_t i = 0; i < windows_.size(); ++i) {
    auto& q = sent_[i];
    while (!q.empty() && q.front() + windows_[i].interval <= now) q.pop_front();
    if (q.size() < windows_[i].requests) continue;
    // The oldest request in the window must leave it first; round up so the
    // next look finds it gone.
    auto until = q.front() + windows_[i].interval - now;
    wait = std::max(wait, std::chrono::ceil<milliseconds>(until));
  }
  return wait;
}

Status RateLimiter::acquire(RetryEnv& env, std::string_view what) {
  for (;;) {
    if (env.isStopped()) return Error::transient(fmt::format("{}: {}", what, kStoppedReason));
    std::chrono::milliseconds wait;
    TimePoint now = env.now();
    {
      std::lock_guard lock(mu_);
      loadLogLocked(now);
      wait = waitNeeded(now);
      if (wait.count() == 0) {
        for (auto& q : sent_) q.push_back(now);
        saveLogLocked(now);  // before the request goes: a crash after it still counts it
        return okStatus();
      }
    }
    if (wait > maxWait_) {
      return Error::rateLimited(
          fmt::format("{}: not sent: the platform's request budget is used up for the next {} s "
                      "(left for the next pass)",
                      what, std::chrono::duration_cast<std::chrono::seconds>(wait).count()));
    }
    if (now + wait > env.bound(TimePoint::max())) {
      return Error::rateLimited(
          fmt::format("{}: not sent: the platform's request rate leaves no room for it before the "
                      "pass's deadline",
                      what));
    }
    env.sleep(wait);
  }
}

void RateLimiter::observe(const Response& r, RetryEnv& env) {
  auto digits = [](const std::optional<std::string>& v) {
    return v && !v->empty() && v->size() <= 12 &&
           v->find_first_not_of("0123456789") == std::string::npos;
  };
  auto remaining = r.header("x-ratelimit-remaining");
  auto reset = r.header("x-ratelimit-reset");
  if (!digits(remaining) || *remaining != "0" || !digits(reset)) return;
  const int64_t wallNow = log_.log ? log_.log->nowMs()
                                   : std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::system_clock::now().time_since_epoch())
                                         .count();
  // A Reset in the past holds nothing; one far ahead (a hostile or broken
  // answer) at most an hour: acquire then leaves the requests to later passes.
  const int64_t untilMs = std::clamp<int64_t>(std::stoll(*reset) * 1000 - wallNow, 0, 3'600'000);
  if (untilMs == 0) return;
  std::lock_guard lock(mu_);
  heldUntil_ = std::max(heldUntil_, env.now() + std::chrono::milliseconds(untilMs));
}

Result<Response> PacedClient::send(const Request& request) {
  if (auto ok = limiter_->acquire(env_, describeRequest(request)); !ok) return ok.error();
  auto r = inner_->send(request);
  if (r) limiter_->observe(*r, env_);
  return r;
}

void forEachConcurrently(size_t count, size_t workers,
                         const std::function<void(size_t item, size_t worker)>& fn) {
  workers = std::clamp<size_t>(workers, 1, std::max<size_t>(count, 1));
  std::atomic<size_t> next{0};
  auto work = [&](size_t worker) {
    for (size_t i = next++; i < count; i = next++) fn(i, worker);
  };
  std::vector<std::thread> threads;
  threads.reserve(workers - 1);
  for (size_t w = 1; w < workers; ++w) threads.emplace_back(work, w);
  work(0);
  for (auto& t : threads) t.join();
}

Result<std::vector<ChangeResult>> applyEachConcurrently(
    const std::vector<Change>& batch, size_t workers, const std::string& notSentReason,
    const std::function<Result<ChangeResult>(const Change& change, size_t worker)>& applyOne) {
  std::vector<ChangeResult> out(batch.size());
  std::vector<std::optional<Error>> authErrors(batch.size());
  std::atomic<bool> refused{false};
  forEachConcurrently(batch.size(), workers, [&](size_t i, size_t worker) {
    if (refused) {  // the credentials are refused: every further call would be too
      out[i] = ChangeResult{batch[i].ip, ChangeResult::Status::kFailed, "", notSentReason,
                            batch[i].action};
      return;
    }
    auto r = applyOne(batch[i], worker);
    if (!r) {
      refused = true;
      authErrors[i] = r.error();
      return;
    }
    out[i] = std::move(*r);
  });
  for (auto& e : authErrors)
    if (e) return *e;
  return out;
}

}  // namespace ptrd::providers::http
