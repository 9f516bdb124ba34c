#include "reconciler/dns/cares_engine.h"

#include <fmt/format.h>
#include <poll.h>

#include <algorithm>
#include <iterator>
#include <memory>

namespace ptrd::dns {
namespace {

LookupOutcome classifyStatus(int status) {
  switch (status) {
    case ARES_ETIMEOUT:
      return LookupOutcome::kTimeout;
    case ARES_ESERVFAIL:
      return LookupOutcome::kServfail;
    case ARES_EREFUSED:
      return LookupOutcome::kRefused;
    case ARES_ENOTFOUND:
      return LookupOutcome::kNxdomain;
    case ARES_ENODATA:
      return LookupOutcome::kNodata;
  }
  return LookupOutcome::kOther;
}

constexpr const char* kTypeNames[] = {"PTR", "A", "AAAA"};

}  // namespace

const char* typeName(uint16_t qtype) {
  switch (qtype) {
    case kTypePtr:
      return "PTR";
    case kTypeA:
      return "A";
    case kTypeAaaa:
      return "AAAA";
  }
  return "OTHER";
}

void CaresEngine::reportCounts(
    const std::function<void(std::string_view, LookupOutcome)>& on_query) {
  for (size_t t = 0; t < kTypes; ++t)
    for (size_t o = 0; o < kOutcomes; ++o) {
      for (uint64_t n = 0; on_query && n < counts_[t][o]; ++n)
        on_query(kTypeNames[t], LookupOutcome(o));
      counts_[t][o] = 0;
    }
}

std::vector<AnswerStep> CaresEngine::run(std::vector<EngineRequest> requests, size_t window) {
  max_in_flight_ = std::max<size_t>(window, 1);
  // Room for one follow-up per PTR (the usual case) up front: growing these
  // moves every step so far.
  const bool follows = std::any_of(requests.begin(), requests.end(),
                                   [](const EngineRequest& r) { return r.follow_qtype != 0; });
  const size_t room = follows ? 2 * requests.size() : requests.size();
  results_.clear();
  results_.reserve(room);
  results_.resize(requests.size());
  chains_.clear();
  chains_.reserve(room);
  chains_.resize(requests.size());
  chain_ttls_.clear();
  chain_ttls_.reserve(room);
  chain_ttls_.resize(requests.size(), kNoTtl);
  followed_.clear();
  for (auto& asked : asked_) asked.clear();
  if (follows) asked_[0].reserve(requests.size());
  queue_.assign(std::make_move_iterator(requests.begin()), std::make_move_iterator(requests.end()));
  loop();
  for (auto& asked : asked_) asked = {};
  chains_ = {};
  return std::move(results_);
}

void CaresEngine::onDone(void* arg, int status, int /*timeouts*/, unsigned char* abuf, int alen) {
  std::unique_ptr<InFlight> flight(static_cast<InFlight*>(arg));
  if (status == ARES_EDESTRUCTION) return;  // channel torn down; nobody waits
  flight->engine->complete(flight->request, status, abuf, alen);
}

void CaresEngine::submit(EngineRequest request) {
  ++in_flight_;
  peak_in_flight_ = std::max(peak_in_flight_, in_flight_);
  if (udp_ && udp_->ask(request)) return;  // sent at the loop's next flush
  sendThroughCares(std::move(request));
}

// Counted in flight already. A name UdpPath does not send, or a truncated reply
// (with a UDP path the channel is TCP-only: USEVC, see cares_resolver.cpp).
void CaresEngine::sendThroughCares(EngineRequest request) {
  unsigned char* query = nullptr;
  int query_len = 0;
  // No EDNS (max_udp_size 0): replies over 512 bytes come back truncated and
  // c-ares retries them over TCP. RD set so recursive resolvers work too.
  int rc =
      ares_create_query(request.name.c_str(), 1 /*IN*/, request.qtype, 0, 1, &query, &query_len, 0);
  if (rc != ARES_SUCCESS) {
    --in_flight_;
    AnswerStep step;
    step.outcome = LookupOutcome::kOther;
    step.detail = fmt::format("cannot ask {} {}: {}", typeName(request.qtype), request.name,
                              ares_strerror(rc));
    finish(request, std::move(step));
    return;
  }
  auto* flight = new InFlight{this, std::move(request)};
  ares_send(channel_, query, query_len, &CaresEngine::onDone, flight);  // may call back at once
  ares_free_string(query);
}

void CaresEngine::onUdpDone(EngineRequest request, int status, const unsigned char* reply,
                            size_t len) {
  complete(request, status, reply, int(len));
}

void CaresEngine::onUdpTruncated(EngineRequest request) {
  sendThroughCares(std::move(request));
}

void CaresEngine::complete(const EngineRequest& request, int status, const unsigned char* abuf,
                           int alen) {
  --in_flight_;
  AnswerStep step;
  if (status != ARES_SUCCESS) {
    step.outcome = classifyStatus(status);
    step.detail =
        fmt::format("{} {}: {}", typeName(request.qtype), request.name, ares_strerror(status));
  } else if (auto parsed = parseMessageInto(abuf, alen > 0 ? size_t(alen) : 0, message_); !parsed) {
    step.outcome = LookupOutcome::kOther;
    step.detail = fmt::format("{} {}: malformed answer: {}", typeName(request.qtype), request.name,
                              parsed.error().message);
  } else {
    step = interpretResponse(message_, request.name, request.qtype, chains_[request.slot].size());
  }
  ++counts_[typeIndex(request.qtype)][size_t(step.follow ? LookupOutcome::kAnswer : step.outcome)];
  finish(request, std::move(step));
  // Refill at once, from inside c-ares' read loop: waiting until the loop has
  // drained every ready reply lets the window run dry and turns the pipeline
  // into lock-step bursts (half the throughput, measured).
  pump();
}

// Sends queued questions while the window has room. Re-entrant calls (a send
// that fails synchronously calls back into complete()) return at once; the
// outer call keeps going, so the stack stays flat.
void CaresEngine::pump() {
  if (pumping_ || cancelled()) return;  // cancelled: loop() drops the rest
  pumping_ = true;
  while (in_flight_ < max_in_flight_ && !queue_.empty()) {
    EngineRequest next = std::move(queue_.front());
    queue_.pop_front();
    submit(std::move(next));
  }
  pumping_ = false;
}

// A cancelled batch: every question still queued fails unasked, every one out
// fails now (their replies, if any come, are dropped). Called from loop() only,
// never from inside a c-ares callback: ares_cancel() there would call back the
// query being ended a second time.
void CaresEngine::dropEverything() {
  pumping_ = true;  // the failures below must not send anything
  while (!queue_.empty()) {
    EngineRequest next = std::move(queue_.front());
    queue_.pop_front();
    AnswerStep step;
    step.outcome = LookupOutcome::kOther;
    step.detail = fmt::format("{} {}: cancelled", typeName(next.qtype), next.name);
    finish(next, std::move(step));
  }
  if (udp_) udp_->abandon(ARES_ECANCELLED, *this);
  ares_cancel(channel_);  // calls back with ARES_ECANCELLED
  pumping_ = false;
  queue_.clear();  // follow-ups a cancelled answer could not have queued; for certainty
}

void CaresEngine::finish(const EngineRequest& request, AnswerStep step) {
  auto& chain = chains_[request.slot];
  chain.insert(chain.end(), step.cnames.begin(), step.cnames.end());
  if (step.follow) {
    // The CNAME's own TTL bounds how long the final answer may be trusted.
    chain_ttls_[request.slot] = std::min(chain_ttls_[request.slot], step.ttl);
    queue_.push_back(EngineRequest{step.next, request.qtype, request.slot, request.follow_qtype});
    return;
  }
  const bool ask_forward = step.outcome == LookupOutcome::kAnswer && request.follow_qtype != 0;
  if (step.outcome == LookupOutcome::kAnswer)
    step.ttl = std::min(step.ttl, chain_ttls_[request.slot]);
  step.cnames = std::move(chain);
  results_[request.slot] = std::move(step);
  if (ask_forward) followPtr(request.slot, request.follow_qtype);
}

// Grows results_, chains_ and chain_ttls_: no reference into them survives a call.
void CaresEngine::followPtr(uint32_t ptr_slot, uint16_t qtype) {
  const auto family = qtype == kTypeA ? IpAddress::Family::kV4 : IpAddress::Family::kV6;
  // Backwards, as each goes to the queue's front: the names keep their own order.
  for (size_t i = results_[ptr_slot].names.size(); i-- > 0;) {
    const std::string_view key = results_[ptr_slot].names[i];
    if (!isForwardable(key)) continue;
    const auto slot = uint32_t(results_.size());
    if (!asked_[qtype == kTypeA ? 0 : 1].emplace(key, slot).second) continue;
    std::string name(key);  // before results_ grows: key stays valid, but not a reference
    results_.emplace_back();
    chains_.emplace_back();
    chain_ttls_.push_back(kNoTtl);
    followed_.push_back(ForwardQuestion{name, family});
    queue_.push_front(EngineRequest{std::move(name), qtype, slot, 0});
  }
}

void CaresEngine::loop() {
  std::vector<pollfd> fds;
  while (true) {
    if (cancelled()) dropEverything();
    pump();
    if (udp_) udp_->flush(*this);
    if (in_flight_ == 0) {
      if (queue_.empty()) return;
      continue;
    }
    ares_socket_t socks[ARES_GETSOCK_MAXNUM];
    int bits = ares_getsock(channel_, socks, ARES_GETSOCK_MAXNUM);
    fds.clear();
    for (int i = 0; i < ARES_GETSOCK_MAXNUM; ++i) {
      short events = 0;
      if (ARES_GETSOCK_READABLE(bits, i)) events |= POLLIN;
      if (ARES_GETSOCK_WRITABLE(bits, i)) events |= POLLOUT;
      if (events != 0) fds.push_back(pollfd{socks[i], events, 0});
    }
    const size_t cares_fds = fds.size();
    timeval tv{};
    timeval* tvp = ares_timeout(channel_, nullptr, &tv);
    int wait_ms = tvp == nullptr ? 1000 : int(tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000);
    if (udp_) {
      for (int fd : udp_->sockets()) fds.push_back(pollfd{fd, POLLIN, 0});
      const int udp_ms = udp_->msUntilDeadline();
      if (udp_ms >= 0) wait_ms = std::min(wait_ms, udp_ms);
    }
    // A cancel is seen within a fifth of a second, even while every query waits.
    if (cancelled_ != nullptr) wait_ms = std::min(wait_ms, 200);
    int ready = poll(fds.data(), fds.size(), wait_ms);
    if (ready <= 0) {  // timeout (or EINTR): let c-ares expire and retry queries
      ares_process_fd(channel_, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
      if (udp_) udp_->expire(*this);
      continue;
    }
    for (size_t i = 0; i < fds.size(); ++i) {
      const auto& p = fds[i];
      if (p.revents == 0) continue;
      bool readable = (p.revents & (POLLIN | POLLERR | POLLHUP)) != 0;
      if (i >= cares_fds) {
        if (readable) udp_->receive(p.fd, *this);
        continue;
      }
      bool writable = (p.revents & POLLOUT) != 0;
      ares_process_fd(channel_, readable ? p.fd : ARES_SOCKET_BAD,
                      writable ? p.fd : ARES_SOCKET_BAD);
    }
    if (udp_) udp_->expire(*this);
  }
}

}  // namespace ptrd::dns
