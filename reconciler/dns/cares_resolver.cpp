#include "reconciler/dns/cares_resolver.h"

#include <ares.h>
#include <arpa/inet.h>
#include <fmt/format.h>
#include <poll.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <deque>
#include <future>
#include <iterator>
#include <limits>
#include <mutex>

#include "reconciler/dns/dns_answer.h"
#include "reconciler/dns/dns_message.h"
#include "core/hostname.h"
#include "core/host_port.h"

namespace ptrd {
namespace {

constexpr uint32_t kNoTtl = std::numeric_limits<uint32_t>::max();

const char* typeName(uint16_t qtype) {
  switch (qtype) {
    case dns::kTypePtr:
      return "PTR";
    case dns::kTypeA:
      return "A";
    case dns::kTypeAaaa:
      return "AAAA";
  }
  return "OTHER";
}

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

// One question travelling through the engine; `slot` is its index in the batch.
struct Request {
  std::string name;
  uint16_t qtype = 0;
  uint32_t slot = 0;
};

}  // namespace

// Owns the channel and runs one batch at a time: a queue feeds the channel up to
// the in-flight bound, a poll() loop drives it, CNAME follow-ups go back on the
// queue. Results are whole AnswerSteps per slot, with the chain of every response.
class CaresResolver::Engine {
 public:
  explicit Engine(ares_channel channel) : channel_(channel) {}
  ~Engine() { ares_destroy(channel_); }

  // Queries sent since the last call, per (type, outcome), handed to `on_query`
  // after the loop: a counter bump per reply inside the loop, no std::function
  // call and no user code running inside c-ares callbacks.
  void reportCounts(const std::function<void(std::string_view, LookupOutcome)>& on_query) {
    for (size_t t = 0; t < kTypes; ++t)
      for (size_t o = 0; o < kOutcomes; ++o) {
        for (uint64_t n = 0; on_query && n < counts_[t][o]; ++n)
          on_query(kTypeNames[t], LookupOutcome(o));
        counts_[t][o] = 0;
      }
  }

  // `window`: the queries this engine may have outstanding during the batch.
  std::vector<dns::AnswerStep> run(std::vector<Request> requests, size_t window) {
    max_in_flight_ = std::max<size_t>(window, 1);
    results_.assign(requests.size(), {});
    chains_.assign(requests.size(), {});
    chain_ttls_.assign(requests.size(), kNoTtl);
    queue_.assign(std::make_move_iterator(requests.begin()),
                  std::make_move_iterator(requests.end()));
    loop();
    return std::move(results_);
  }

 private:
  struct InFlight {
    Engine* engine;
    Request request;
  };

  static void onDone(void* arg, int status, int /*timeouts*/, unsigned char* abuf, int alen) {
    auto* flight = static_cast<InFlight*>(arg);
    std::unique_ptr<InFlight> owned(flight);
    if (status == ARES_EDESTRUCTION) return;  // channel torn down; nobody waits
    flight->engine->complete(flight->request, status, abuf, alen);
  }

  void submit(Request request) {
    unsigned char* query = nullptr;
    int query_len = 0;
    // No EDNS (max_udp_size 0): replies over 512 bytes come back truncated and
    // c-ares retries them over TCP. RD set so recursive resolvers work too.
    int rc = ares_create_query(request.name.c_str(), 1 /*IN*/, request.qtype, 0, 1, &query,
                               &query_len, 0);
    if (rc != ARES_SUCCESS) {
      dns::AnswerStep step;
      step.outcome = LookupOutcome::kOther;
      step.detail = fmt::format("cannot ask {} {}: {}", typeName(request.qtype), request.name,
                                ares_strerror(rc));
      finish(request, std::move(step));
      return;
    }
    ++in_flight_;
    auto* flight = new InFlight{this, std::move(request)};
    ares_send(channel_, query, query_len, &Engine::onDone, flight);  // may call back at once
    ares_free_string(query);
  }

  void complete(const Request& request, int status, const unsigned char* abuf, int alen) {
    --in_flight_;
    dns::AnswerStep step;
    if (status != ARES_SUCCESS) {
      step.outcome = classifyStatus(status);
      step.detail =
          fmt::format("{} {}: {}", typeName(request.qtype), request.name, ares_strerror(status));
    } else if (auto parsed = dns::parseMessageInto(abuf, alen > 0 ? size_t(alen) : 0, message_);
               !parsed) {
      step.outcome = LookupOutcome::kOther;
      step.detail = fmt::format("{} {}: malformed answer: {}", typeName(request.qtype),
                                request.name, parsed.error().message);
    } else {
      step = dns::interpretResponse(message_, request.name, request.qtype,
                                    chains_[request.slot].size());
    }
    ++counts_[typeIndex(request.qtype)]
             [size_t(step.follow ? LookupOutcome::kAnswer : step.outcome)];
    finish(request, std::move(step));
    // Refill at once, from inside c-ares' read loop: waiting until the loop has
    // drained every ready reply lets the window run dry and turns the pipeline
    // into lock-step bursts (half the throughput, measured).
    pump();
  }

  // Sends queued questions while the window has room. Re-entrant calls (a send
  // that fails synchronously calls back into complete()) return at once; the
  // outer call keeps going, so the stack stays flat.
  void pump() {
    if (pumping_) return;
    pumping_ = true;
    while (in_flight_ < max_in_flight_ && !queue_.empty()) {
      Request next = std::move(queue_.front());
      queue_.pop_front();
      submit(std::move(next));
    }
    pumping_ = false;
  }

  void finish(const Request& request, dns::AnswerStep step) {
    auto& chain = chains_[request.slot];
    chain.insert(chain.end(), step.cnames.begin(), step.cnames.end());
    if (step.follow) {
      // The CNAME's own TTL bounds how long the final answer may be trusted.
      chain_ttls_[request.slot] = std::min(chain_ttls_[request.slot], step.ttl);
      queue_.push_back(Request{step.next, request.qtype, request.slot});
      return;
    }
    if (step.outcome == LookupOutcome::kAnswer)
      step.ttl = std::min(step.ttl, chain_ttls_[request.slot]);
    step.cnames = std::move(chain);
    results_[request.slot] = std::move(step);
  }

  void loop() {
    std::vector<pollfd> fds;
    while (true) {
      pump();
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
      timeval tv{};
      timeval* tvp = ares_timeout(channel_, nullptr, &tv);
      int wait_ms = tvp == nullptr ? 1000 : int(tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000);
      int ready = poll(fds.data(), fds.size(), wait_ms);
      if (ready <= 0) {  // timeout (or EINTR): let c-ares expire and retry queries
        ares_process_fd(channel_, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
        continue;
      }
      for (const auto& p : fds) {
        if (p.revents == 0) continue;
        bool readable = (p.revents & (POLLIN | POLLERR | POLLHUP)) != 0;
        bool writable = (p.revents & POLLOUT) != 0;
        ares_process_fd(channel_, readable ? p.fd : ARES_SOCKET_BAD,
                        writable ? p.fd : ARES_SOCKET_BAD);
      }
    }
  }

  ares_channel channel_;
  size_t max_in_flight_ = 1;
  size_t in_flight_ = 0;
  bool pumping_ = false;
  static constexpr size_t kTypes = 3;
  static constexpr size_t kOutcomes = size_t(LookupOutcome::kOther) + 1;
  static constexpr const char* kTypeNames[kTypes] = {"PTR", "A", "AAAA"};
  static size_t typeIndex(uint16_t qtype) {
    return qtype == dns::kTypePtr ? 0 : qtype == dns::kTypeA ? 1 : 2;
  }
  uint64_t counts_[kTypes][kOutcomes] = {};
  dns::Message message_;  // reused for every reply (see parseMessageInto)
  std::deque<Request> queue_;
  std::vector<dns::AnswerStep> results_;
  std::vector<std::vector<std::string>> chains_;
  std::vector<uint32_t> chain_ttls_;
};

Result<ServerAddress> parseServerAddress(std::string_view spec) {
  auto a = parseHostPort(spec, PortRule::kOptional, 53);
  if (!a) return Error::permanent(fmt::format("resolver \"{}\": {}", spec, a.error().message));
  return ServerAddress{a->ip, a->port};
}

namespace {

Status setServers(ares_channel channel, const std::vector<ServerAddress>& servers) {
  if (!servers.empty()) {
    std::vector<ares_addr_port_node> nodes(servers.size());
    for (size_t i = 0; i < servers.size(); ++i) {
      auto& n = nodes[i];
      n.next = i + 1 < servers.size() ? &nodes[i + 1] : nullptr;
      n.udp_port = n.tcp_port = servers[i].port;
      const auto& b = servers[i].ip.bytes();
      if (servers[i].ip.isV4()) {
        n.family = AF_INET;
        std::memcpy(&n.addr.addr4, b.data(), 4);
      } else {
        n.family = AF_INET6;
        std::memcpy(&n.addr.addr6, b.data(), 16);
      }
    }
    int rc = ares_set_servers_ports(channel, nodes.data());
    if (rc != ARES_SUCCESS)
      return Error::permanent(fmt::format("c-ares servers: {}", ares_strerror(rc)));
  }
  return okStatus();
}

}  // namespace

Result<std::unique_ptr<CaresResolver>> CaresResolver::create(CaresOptions options) {
  static std::once_flag init_once;
  static int init_rc = ARES_SUCCESS;
  std::call_once(init_once, [] { init_rc = ares_library_init(ARES_LIB_INIT_ALL); });
  if (init_rc != ARES_SUCCESS)
    return Error::permanent(fmt::format("c-ares: {}", ares_strerror(init_rc)));

  std::vector<ServerAddress> servers;
  for (const auto& spec : options.servers) {
    auto s = parseServerAddress(spec);
    if (!s) return s.error();
    servers.push_back(*s);
  }
  if (options.max_in_flight == 0) options.max_in_flight = 1;
  if (options.attempts < 1) options.attempts = 1;

  ares_options ao{};
  int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_NDOTS |
             ARES_OPT_DOMAINS | ARES_OPT_SOCK_RCVBUF;
  // NOSEARCH/NOALIASES: names are always absolute. NOCHECKRESP: c-ares 1.18
  // reports SERVFAIL and REFUSED as "Could not contact DNS servers" once it has
  // skipped the server, losing the rcode that tells a broken zone from a wrong
  // server; ptrd reads the rcode itself (dns_answer.cpp). The price: a SERVFAIL
  // from the first server is final for this pass rather than tried on the next.
  // STAYOPEN: keep the UDP socket when the window momentarily empties instead of
  // opening a new one for the next query.
  ao.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES | ARES_FLAG_NOCHECKRESP | ARES_FLAG_STAYOPEN;
  ao.timeout = int(options.timeout.count());
  ao.tries = options.attempts;
  ao.ndots = 1;
  ao.domains = nullptr;
  ao.ndomains = 0;
  ao.socket_receive_buffer_size = options.receive_buffer_bytes;
  const size_t channels = std::max<size_t>(options.threads, 1);
  std::unique_ptr<CaresResolver> resolver(new CaresResolver(std::move(options)));
  for (size_t i = 0; i < channels; ++i) {
    ares_channel channel = nullptr;
    int rc = ares_init_options(&channel, &ao, mask);
    if (rc != ARES_SUCCESS)
      return Error::permanent(fmt::format("c-ares init: {}", ares_strerror(rc)));
    if (auto set = setServers(channel, servers); !set) {
      ares_destroy(channel);
      return set.error();
    }
    resolver->engines_.push_back(std::make_unique<Engine>(channel));
  }
  return resolver;
}

CaresResolver::CaresResolver(CaresOptions options) : options_(std::move(options)) {}
CaresResolver::~CaresResolver() = default;

namespace {

std::vector<dns::AnswerStep> runBatch(
    const std::vector<std::unique_ptr<CaresResolver::Engine>>& engines,
    std::vector<Request> requests, const CaresOptions& options) {
  const size_t total = requests.size();
  const size_t parts =
      total >= CaresResolver::kParallelBatch ? std::min(engines.size(), total) : size_t(1);
  if (parts == 1) {
    auto out = engines[0]->run(std::move(requests), options.max_in_flight);
    engines[0]->reportCounts(options.on_query);
    return out;
  }
  // Contiguous parts, slots renumbered from 0 in each; part k's answers go back
  // at its offset, so the order is the input's whatever finishes first.
  const size_t window = (options.max_in_flight + parts - 1) / parts;
  std::vector<std::vector<Request>> split(parts);
  std::vector<size_t> begin(parts + 1);
  for (size_t k = 0; k <= parts; ++k) begin[k] = total * k / parts;
  for (size_t k = 0; k < parts; ++k) {
    split[k].reserve(begin[k + 1] - begin[k]);
    for (size_t i = begin[k]; i < begin[k + 1]; ++i) {
      split[k].push_back(std::move(requests[i]));
      split[k].back().slot = uint32_t(i - begin[k]);
    }
  }
  requests = {};
  std::vector<std::future<std::vector<dns::AnswerStep>>> others;
  for (size_t k = 1; k < parts; ++k)
    others.push_back(std::async(std::launch::async, [&engines, &split, k, window] {
      return engines[k]->run(std::move(split[k]), window);
    }));
  std::vector<dns::AnswerStep> out = engines[0]->run(std::move(split[0]), window);
  out.reserve(total);
  for (auto& f : others) {  // get() rethrows what a part threw, after it finished
    auto part = f.get();
    std::move(part.begin(), part.end(), std::back_inserter(out));
  }
  for (size_t k = 0; k < parts; ++k) engines[k]->reportCounts(options.on_query);
  return out;
}

}  // namespace

std::vector<PtrLookup> CaresResolver::lookupPtr(const std::vector<IpAddress>& ips) {
  std::vector<Request> requests;
  requests.reserve(ips.size());
  for (uint32_t i = 0; i < ips.size(); ++i)
    requests.push_back(Request{ips[i].reverseName(), dns::kTypePtr, i});
  auto steps = runBatch(engines_, std::move(requests), options_);
  std::vector<PtrLookup> out(ips.size());
  for (size_t i = 0; i < ips.size(); ++i) {
    out[i].ip = ips[i];
    out[i].outcome = steps[i].outcome;
    out[i].names = std::move(steps[i].names);
    out[i].ttl = steps[i].ttl == kNoTtl ? 0 : steps[i].ttl;
    out[i].detail = std::move(steps[i].detail);
  }
  return out;
}

std::vector<ForwardLookup> CaresResolver::lookupForward(
    const std::vector<ForwardQuestion>& questions) {
  std::vector<Request> requests;
  requests.reserve(questions.size());
  for (uint32_t i = 0; i < questions.size(); ++i) {
    uint16_t qtype = questions[i].family == IpAddress::Family::kV4 ? dns::kTypeA : dns::kTypeAaaa;
    requests.push_back(Request{canonicalName(questions[i].name), qtype, i});
  }
  auto steps = runBatch(engines_, std::move(requests), options_);
  std::vector<ForwardLookup> out(questions.size());
  for (size_t i = 0; i < questions.size(); ++i) {
    out[i].question = questions[i];
    out[i].outcome = steps[i].outcome;
    out[i].addresses = std::move(steps[i].addresses);
    out[i].cnames = std::move(steps[i].cnames);
    out[i].ttl = steps[i].ttl == kNoTtl ? 0 : steps[i].ttl;
    out[i].detail = std::move(steps[i].detail);
  }
  return out;
}

}  // namespace ptrd
