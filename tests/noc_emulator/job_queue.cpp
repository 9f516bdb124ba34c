#include "tests/noc_emulator/job_queue.h"

#include <fmt/format.h>

#include <algorithm>

namespace ptrd::noc_emulator {

using nlohmann::json;

namespace {
constexpr auto kKeyLifetime = std::chrono::hours(24);
}

JobQueue::JobQueue(Account& account, std::mutex& accountMu, PdnsWriter& pdns, Faults& faults)
    : account_(account), accountMu_(accountMu), pdns_(pdns), faults_(faults), worker_([this] {
        run();
      }) {}

JobQueue::~JobQueue() {
  faults_.interrupt();  // a worker held by job_stuck must see the shutdown
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  worker_.join();
}

JobQueue::Submitted JobQueue::submit(const std::string& key, std::vector<EntryCheck> entries) {
  std::lock_guard lock(mu_);
  auto now = std::chrono::steady_clock::now();
  if (auto k = keys_.find(key); k != keys_.end() && now - k->second.at < kKeyLifetime) {
    const Job& first = jobs_.at(k->second.jobId);
    return {first.id, first.counts, true};
  }
  Job job;
  job.id = fmt::format("j-{}", nextId_++);
  int valid = 0, invalid = 0, notYours = 0;
  for (const auto& e : entries) {
    if (e.verdict == EntryCheck::Verdict::kValid)
      ++valid;
    else if (e.verdict == EntryCheck::Verdict::kInvalid)
      ++invalid;
    else
      ++notYours;
  }
  job.counts = {{"valid", valid}, {"invalid", invalid}, {"not_yours", notYours}};
  job.entries = std::move(entries);
  keys_[key] = {job.id, now};
  pending_.push_back(job.id);
  Submitted s{job.id, job.counts, false};
  jobs_.emplace(job.id, std::move(job));
  cv_.notify_all();
  return s;
}

std::optional<json> JobQueue::job(const std::string& id) const {
  std::lock_guard lock(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return std::nullopt;
  const Job& j = it->second;
  json out = {{"job_id", j.id}, {"state", j.state}, {"counts", j.counts}};
  if (!j.summary.is_null()) out["summary"] = j.summary;
  out["results"] = j.results;
  return out;
}

json JobQueue::list() const {
  std::lock_guard lock(mu_);
  std::vector<std::pair<uint64_t, json>> all;
  for (const auto& [id, j] : jobs_)
    all.emplace_back(std::stoull(id.substr(2)), json{{"job_id", id}, {"state", j.state}});
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  json out = json::array();
  for (auto& [n, j] : all) out.push_back(std::move(j));
  return out;
}

void JobQueue::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
    if (stopping_) return;
    std::string id = pending_.front();
    // Simulated processing delay; an emulator may wait, and stop() interrupts it.
    auto delay = std::chrono::milliseconds(faults_.settings().jobDelayMs);
    if (delay.count() > 0 && cv_.wait_for(lock, delay, [this] { return stopping_; })) return;
    pending_.pop_front();
    Job& job = jobs_.at(id);  // std::map: the reference survives other inserts
    job.state = "running";
    lock.unlock();
    // job_stuck: the job shows "running" for as long as the fault is on.
    if (!faults_.waitWhileJobsStuck()) return;
    execute(job);
    lock.lock();
  }
}

// Runs without mu_ (only the worker touches a running job's entries); results and
// state are published under mu_ at the end.
void JobQueue::execute(Job& job) {
  std::vector<PtrWrite> writes;
  std::vector<size_t> writeOf(job.entries.size(), SIZE_MAX);
  // job_fail_share: valid entry k fails when the share's running count steps up
  // at k, which spreads the failures evenly (0.5: every second entry).
  const double failShare = std::clamp(faults_.settings().jobFailShare, 0.0, 1.0);
  std::vector<bool> injected(job.entries.size(), false);
  {
    std::lock_guard lock(accountMu_);
    size_t k = 0;
    for (size_t i = 0; i < job.entries.size(); ++i) {
      const EntryCheck& e = job.entries[i];
      if (e.verdict != EntryCheck::Verdict::kValid) continue;
      ++k;
      if (uint64_t(double(k) * failShare) > uint64_t(double(k - 1) * failShare)) {
        injected[i] = true;
        continue;
      }
      AccountIp* ip = account_.find(e.ip);
      writeOf[i] = writes.size();
      writes.push_back({ip->reverseName, e.reset ? ip->defaultPtr : e.ptr});
    }
  }
  std::vector<std::string> errors = pdns_.write(writes);
  json results = json::array();
  int applied = 0, invalid = 0, notYours = 0, failed = 0;
  {
    std::lock_guard lock(accountMu_);
    for (size_t i = 0; i < job.entries.size(); ++i) {
      const EntryCheck& e = job.entries[i];
      json r = {{"ip", e.ip}};
      if (e.verdict == EntryCheck::Verdict::kInvalid) {
        r["status"] = "invalid", r["reason"] = e.reason, ++invalid;
      } else if (e.verdict == EntryCheck::Verdict::kNotYours) {
        r["status"] = "not_yours", r["reason"] = e.reason, ++notYours;
      } else if (injected[i]) {
        r["status"] = "failed", r["reason"] = "injected failure (job_fail_share)", ++failed;
      } else if (!errors[writeOf[i]].empty()) {
        r["status"] = "failed", r["reason"] = errors[writeOf[i]], ++failed;
      } else {
        AccountIp* ip = account_.find(e.ip);
        ip->ptr = writes[writeOf[i]].ptr;
        r["status"] = "applied", r["ptr"] = ip->ptr, ++applied;
      }
      results.push_back(std::move(r));
    }
  }
  std::lock_guard lock(mu_);
  job.results = std::move(results);
  job.summary = {
      {"applied", applied}, {"invalid", invalid}, {"not_yours", notYours}, {"failed", failed}};
  // A job whose every applicable entry failed (DNS unreachable) failed as a whole.
  job.state = failed > 0 && applied == 0 ? "failed" : "done";
}

}  // namespace ptrd::noc_emulator
