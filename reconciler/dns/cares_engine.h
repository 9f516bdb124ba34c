// CaresEngine: the event loop that runs a batch of questions with at most
// `window` queries outstanding. The rest wait in a queue; CNAME follow-ups go
// back on it. A question goes over the engine's own UDP path (udp_path.h) when
// it has one, else -- and for a truncated reply, over TCP -- through its c-ares
// channel. Used by CaresResolver (cares_resolver.h), which may run several
// engines on their own threads.
//
// FCrDNS as one stream: a PTR request may carry the forward type to ask for the
// names its answer returns. When its final answer arrives, each plausible name's
// A/AAAA question is queued AHEAD of the PTRs still waiting (asked once per
// batch, however many PTRs return it), so the window never drains between "all
// PTRs" and "all forwards". A failed or negative PTR asks nothing forward.
//
// Not thread-safe: one batch at a time per engine.
#pragma once

#include <ares.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "reconciler/dns/dns_answer.h"
#include "reconciler/dns/dns_message.h"
#include "reconciler/dns/engine_request.h"
#include "reconciler/dns/resolver.h"
#include "reconciler/dns/udp_path.h"

namespace ptrd::dns {

// No TTL seen yet on a chain (a step's ttl is min'ed with it).
inline constexpr uint32_t kNoTtl = 0xffffffffu;

const char* typeName(uint16_t qtype);  // "PTR", "A", "AAAA"

class CaresEngine final : private UdpReplies {
 public:
  // `udp` may be null: then every question goes through c-ares. Once
  // `*cancelled` is true, run() ends early: queued questions fail unasked and
  // outstanding ones are dropped (ARES_ECANCELLED).
  CaresEngine(ares_channel channel, std::unique_ptr<UdpPath> udp,
              const std::atomic<bool>* cancelled = nullptr)
      : channel_(channel), udp_(std::move(udp)), cancelled_(cancelled) {}
  ~CaresEngine() { ares_destroy(channel_); }
  CaresEngine(const CaresEngine&) = delete;
  CaresEngine& operator=(const CaresEngine&) = delete;

  // One AnswerStep per request slot; then, when requests carried follow_qtype,
  // one per forward question asked (in asking order), described by followed().
  std::vector<AnswerStep> run(std::vector<EngineRequest> requests, size_t window);

  // The forward questions the last run() asked on its own; question k's answer is
  // at slot requests.size() + k.
  const std::vector<ForwardQuestion>& followed() const { return followed_; }

  // The most queries outstanding at once in any run() so far (tests check the bound).
  size_t peakInFlight() const { return peak_in_flight_; }

  // Queries sent since the last call, per (type, outcome), handed to `on_query`
  // after the loop: a counter bump per reply inside the loop, no std::function
  // call and no user code running inside c-ares callbacks.
  void reportCounts(const std::function<void(std::string_view, LookupOutcome)>& on_query);

 private:
  struct InFlight {
    CaresEngine* engine;
    EngineRequest request;
  };
  static void onDone(void* arg, int status, int timeouts, unsigned char* abuf, int alen);
  void onUdpDone(EngineRequest request, int status, const unsigned char* reply,
                 size_t len) override;
  void onUdpTruncated(EngineRequest request) override;
  void submit(EngineRequest request);
  void sendThroughCares(EngineRequest request);
  void complete(const EngineRequest& request, int status, const unsigned char* abuf, int alen);
  void pump();
  void finish(const EngineRequest& request, AnswerStep step);
  void followPtr(uint32_t ptr_slot, uint16_t qtype);
  void loop();

  static constexpr size_t kTypes = 3;
  static constexpr size_t kOutcomes = size_t(LookupOutcome::kOther) + 1;
  static size_t typeIndex(uint16_t qtype) {
    return qtype == kTypePtr ? 0 : qtype == kTypeA ? 1 : 2;
  }

  bool cancelled() const {
    return cancelled_ != nullptr && cancelled_->load(std::memory_order_relaxed);
  }
  void dropEverything();

  ares_channel channel_;
  std::unique_ptr<UdpPath> udp_;
  const std::atomic<bool>* cancelled_;
  size_t max_in_flight_ = 1;
  size_t in_flight_ = 0;
  size_t peak_in_flight_ = 0;
  bool pumping_ = false;
  uint64_t counts_[kTypes][kOutcomes] = {};
  Message message_;  // reused for every reply (see parseMessageInto)
  std::deque<EngineRequest> queue_;
  std::vector<AnswerStep> results_;
  std::vector<std::vector<std::string>> chains_;
  std::vector<uint32_t> chain_ttls_;
  std::vector<ForwardQuestion> followed_;
  // Forward questions already asked in this batch, per type (A, AAAA): name ->
  // slot. The keys view the names inside the PTR steps in results_, which stay
  // put (a step's names vector is never touched again, and moving a vector
  // keeps its elements where they are) until run() clears this.
  std::unordered_map<std::string_view, uint32_t> asked_[2];
};

}  // namespace ptrd::dns
