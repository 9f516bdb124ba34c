#include "tests/noc_emulator/faults.h"

namespace ptrd::noc_emulator {

FaultAction Faults::next() {
  std::lock_guard lock(mu_);
  uint64_t n = counter_++;
  if (settings_.rateLimitEvery > 0 && n % settings_.rateLimitEvery < settings_.rateLimitBurst)
    return FaultAction::kRateLimit;
  if (settings_.errorRate > 0) {
    std::uniform_real_distribution<double> u(0, 1);
    if (u(rng_) < settings_.errorRate) return u(rng_) < 0.5 ? FaultAction::kFailBefore : FaultAction::kFailAfter;
  }
  return FaultAction::kNone;
}

FaultSettings Faults::settings() const {
  std::lock_guard lock(mu_);
  return settings_;
}

void Faults::update(const nlohmann::json& j) {
  std::lock_guard lock(mu_);
  settings_.errorRate = j.value("error_rate", settings_.errorRate);
  settings_.rateLimitEvery = j.value("rate_limit_every", settings_.rateLimitEvery);
  settings_.rateLimitBurst = j.value("rate_limit_burst", settings_.rateLimitBurst);
  settings_.retryAfterSeconds = j.value("retry_after_s", settings_.retryAfterSeconds);
  settings_.latencyMs = j.value("latency_ms", settings_.latencyMs);
  settings_.jobDelayMs = j.value("job_delay_ms", settings_.jobDelayMs);
  if (j.contains("seed")) {
    settings_.seed = j["seed"].get<uint64_t>();
    rng_.seed(settings_.seed);
    counter_ = 0;
  }
}

nlohmann::json Faults::toJson() const {
  std::lock_guard lock(mu_);
  return {{"error_rate", settings_.errorRate},       {"rate_limit_every", settings_.rateLimitEvery},
          {"rate_limit_burst", settings_.rateLimitBurst}, {"retry_after_s", settings_.retryAfterSeconds},
          {"latency_ms", settings_.latencyMs},       {"job_delay_ms", settings_.jobDelayMs},
          {"seed", settings_.seed}};
}

}  // namespace ptrd::noc_emulator
