// Backoff after failures (a failed pass, a failed HTTP request), and the jitter
// of the regular interval: the one implementation the daemon and the providers'
// HTTP retries share.
//
// After Envoy's JitteredExponentialBackOffStrategy: randomness is injected
// (RandomGenerator), so tests pin it and assert exact delays. Jitter matters for a
// daemon that runs as several replicas or restarts together after an outage: a
// fixed period would make them all hit the provider API at the same second.
//
//   StdRandomGenerator rng;
//   JitteredExponentialBackOff backoff(1s, 5min, rng);
//   auto wait = backoff.next();   // in [0.5s, 1s), then [1s, 2s), ... up to [2.5min, 5min)
//   backoff.reset();              // after a successful pass
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace ptrd {

class RandomGenerator {
 public:
  virtual ~RandomGenerator() = default;
  virtual uint64_t random() = 0;
};

class StdRandomGenerator final : public RandomGenerator {
 public:
  StdRandomGenerator() : engine_(std::random_device{}()) {}
  uint64_t random() override { return engine_(); }

 private:
  std::mt19937_64 engine_;
};

// The ceiling of the n-th wait in a row (n from 0): min(base * 2^n, cap), without
// overflow however large n grows. Equal jitter then picks a wait in [d/2, d).
std::chrono::milliseconds exponentialCeiling(std::chrono::milliseconds base,
                                             std::chrono::milliseconds cap, unsigned attempt);

class BackOffStrategy {
 public:
  virtual ~BackOffStrategy() = default;
  virtual std::chrono::milliseconds next() = 0;
  virtual void reset() = 0;
};

// The n-th failure in a row waits a random time in [d/2, d), d = min(base * 2^n, max).
// "Equal jitter": never zero (no hammering a provider that just failed), yet
// spread out enough that replicas do not retry in lockstep.
class JitteredExponentialBackOff final : public BackOffStrategy {
 public:
  JitteredExponentialBackOff(std::chrono::milliseconds base, std::chrono::milliseconds max,
                             RandomGenerator& random);
  std::chrono::milliseconds next() override;
  void reset() override { attempt_ = 0; }
  unsigned attempts() const { return attempt_; }

 private:
  std::chrono::milliseconds base_, max_;
  RandomGenerator& random_;
  unsigned attempt_ = 0;
};

// interval scaled by a random factor in [1 - fraction, 1 + fraction); fraction in [0, 1).
std::chrono::milliseconds jittered(std::chrono::milliseconds interval, double fraction,
                                   RandomGenerator& random);

}  // namespace ptrd
