// The portal's asynchronous bulk jobs: one worker applies the account's jobs one
// at a time, in submission order (queued -> running -> done | failed), and keeps
// every job's results. Idempotency keys map to the first job they created for
// 24 hours.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/noc_emulator/account.h"
#include "tests/emulator_kit/faults.h"
#include "tests/emulator_kit/pdns_writer.h"

namespace ptrd::noc_emulator {

// The kit's pieces under the emulator's own names (api_server.h sees them through here).
using emulator_kit::FaultAction;
using emulator_kit::Faults;
using emulator_kit::FaultSettings;
using emulator_kit::PdnsWriter;
using emulator_kit::PtrWrite;

class JobQueue {
 public:
  // accountMu guards account; the queue takes it only around reads and updates.
  JobQueue(Account& account, std::mutex& accountMu, PdnsWriter& pdns, Faults& faults);
  ~JobQueue();
  JobQueue(const JobQueue&) = delete;
  JobQueue& operator=(const JobQueue&) = delete;

  struct Submitted {
    std::string jobId;
    nlohmann::json counts;  // {"valid", "invalid", "not_yours"}
    bool replay = false;    // the key was seen before: this is the first job
  };
  Submitted submit(const std::string& idempotencyKey, std::vector<EntryCheck> entries);

  // The job document of GET /v1/jobs/{id}; nullopt if unknown.
  std::optional<nlohmann::json> job(const std::string& id) const;
  // [{"job_id", "state"}] of every job, oldest first (tests wait for quiescence).
  nlohmann::json list() const;

 private:
  struct Job {
    std::string id;
    std::string state = "queued";
    std::vector<EntryCheck> entries;
    nlohmann::json counts;
    nlohmann::json results = nlohmann::json::array();
    nlohmann::json summary;
  };
  struct KeyUse {
    std::string jobId;
    std::chrono::steady_clock::time_point at;
  };
  void run();
  void execute(Job& job);

  Account& account_;
  std::mutex& accountMu_;
  PdnsWriter& pdns_;
  Faults& faults_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, Job> jobs_;
  std::map<std::string, KeyUse> keys_;
  std::deque<std::string> pending_;
  uint64_t nextId_ = 1;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace ptrd::noc_emulator
