#include "tests/emulator_kit/faults.h"

namespace ptrd::emulator_kit {

FaultAction Faults::next() {
  std::lock_guard lock(mu_);
  uint64_t n = counter_++;
  if (settings_.rateLimitEvery > 0 && n % settings_.rateLimitEvery < settings_.rateLimitBurst)
    return FaultAction::kRateLimit;
  std::uniform_real_distribution<double> u(0, 1);
  // One draw per configured fault, in a fixed order, so a seed replays a run.
  if (settings_.errorRate > 0 && u(rng_) < settings_.errorRate)
    return u(rng_) < 0.5 ? FaultAction::kFailBefore : FaultAction::kFailAfter;
  if (settings_.hangRate > 0 && u(rng_) < settings_.hangRate) return FaultAction::kHang;
  if (settings_.garbageRate > 0 && u(rng_) < settings_.garbageRate) return FaultAction::kGarbage;
  if (settings_.truncateRate > 0 && u(rng_) < settings_.truncateRate) return FaultAction::kTruncate;
  return FaultAction::kNone;
}

FaultSettings Faults::settings() const {
  std::lock_guard lock(mu_);
  return settings_;
}

void Faults::update(const nlohmann::json& j) {
  {
    std::lock_guard lock(mu_);
    settings_.errorRate = j.value("error_rate", settings_.errorRate);
    settings_.rateLimitEvery = j.value("rate_limit_every", settings_.rateLimitEvery);
    settings_.rateLimitBurst = j.value("rate_limit_burst", settings_.rateLimitBurst);
    settings_.retryAfterSeconds = j.value("retry_after_s", settings_.retryAfterSeconds);
    settings_.latencyMs = j.value("latency_ms", settings_.latencyMs);
    settings_.jobDelayMs = j.value("job_delay_ms", settings_.jobDelayMs);
    settings_.hangRate = j.value("hang_rate", settings_.hangRate);
    settings_.hangMs = j.value("hang_ms", settings_.hangMs);
    settings_.garbageRate = j.value("garbage_rate", settings_.garbageRate);
    settings_.truncateRate = j.value("truncate_rate", settings_.truncateRate);
    settings_.jobFailShare = j.value("job_fail_share", settings_.jobFailShare);
    settings_.jobStuck = j.value("job_stuck", settings_.jobStuck);
    settings_.hugeBodyMb = j.value("huge_body_mb", settings_.hugeBodyMb);
    if (j.contains("seed")) {
      settings_.seed = j["seed"].get<uint64_t>();
      rng_.seed(settings_.seed);
      counter_ = 0;
    }
  }
  changed_.notify_all();  // releases hung requests and stuck jobs whose fault is now off
}

nlohmann::json Faults::toJson() const {
  std::lock_guard lock(mu_);
  return {{"error_rate", settings_.errorRate},
          {"rate_limit_every", settings_.rateLimitEvery},
          {"rate_limit_burst", settings_.rateLimitBurst},
          {"retry_after_s", settings_.retryAfterSeconds},
          {"latency_ms", settings_.latencyMs},
          {"job_delay_ms", settings_.jobDelayMs},
          {"hang_rate", settings_.hangRate},
          {"hang_ms", settings_.hangMs},
          {"garbage_rate", settings_.garbageRate},
          {"truncate_rate", settings_.truncateRate},
          {"job_fail_share", settings_.jobFailShare},
          {"job_stuck", settings_.jobStuck},
          {"huge_body_mb", settings_.hugeBodyMb},
          {"seed", settings_.seed}};
}

void Faults::hang() {
  std::unique_lock lock(mu_);
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(settings_.hangMs);
  changed_.wait_until(lock, until, [this] { return stopping_ || settings_.hangRate <= 0; });
}

bool Faults::waitWhileJobsStuck() {
  std::unique_lock lock(mu_);
  changed_.wait(lock, [this] { return stopping_ || !settings_.jobStuck; });
  return !stopping_;
}

void Faults::interrupt() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
}

}  // namespace ptrd::emulator_kit
