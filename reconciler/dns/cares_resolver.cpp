#include "reconciler/dns/cares_resolver.h"

#include <ares.h>
#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <future>
#include <iterator>
#include <mutex>
#include <numeric>

#include "core/host_port.h"
#include "core/hostname.h"
#include "reconciler/dns/cares_engine.h"

namespace ptrd {

using dns::CaresEngine;
using dns::EngineRequest;
using dns::kNoTtl;

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
  std::vector<dns::UdpServer> udp_servers;
  for (const auto& s : servers) udp_servers.push_back(dns::UdpServer{s.ip, s.port});
  // With our own UDP path, what reaches c-ares is a reply UDP could not carry
  // (TC) or a name the path does not build: straight to TCP (USEVC), not once
  // more over UDP first.
  if (!udp_servers.empty()) ao.flags |= ARES_FLAG_USEVC;
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
    // Our own UDP path when the servers are named (tests, labs, any explicit
    // resolver); with the system's resolv.conf, c-ares alone.
    std::unique_ptr<dns::UdpPath> udp;
    if (!udp_servers.empty()) {
      auto opened =
          dns::UdpPath::open(udp_servers, resolver->options_.timeout, resolver->options_.attempts,
                             resolver->options_.receive_buffer_bytes);
      if (!opened) {
        ares_destroy(channel);
        return opened.error();
      }
      udp = std::move(*opened);
    }
    resolver->engines_.push_back(
        std::make_unique<CaresEngine>(channel, std::move(udp), &resolver->cancelled_));
  }
  return resolver;
}

CaresResolver::CaresResolver(CaresOptions options) : options_(std::move(options)) {}
CaresResolver::~CaresResolver() = default;

size_t CaresResolver::peakInFlight() const {
  size_t sum = 0;
  for (const auto& e : engines_) sum += e->peakInFlight();
  return sum;
}

namespace {

// What a batch found: one step per request, in input order, and the forward
// questions the engines asked on their own (PTR follow-ups) with their steps.
struct BatchResult {
  std::vector<dns::AnswerStep> steps;
  std::vector<ForwardQuestion> followed;
  std::vector<dns::AnswerStep> followed_steps;
};

// Moves one engine's output into `out`: its first `count` steps answer its
// requests, the rest its follow-ups.
void collect(CaresEngine& engine, std::vector<dns::AnswerStep> steps, size_t count,
             BatchResult& out) {
  std::move(steps.begin(), steps.begin() + long(count), std::back_inserter(out.steps));
  std::move(steps.begin() + long(count), steps.end(), std::back_inserter(out.followed_steps));
  const auto& followed = engine.followed();
  out.followed.insert(out.followed.end(), followed.begin(), followed.end());
}

BatchResult runBatch(const std::vector<std::unique_ptr<CaresEngine>>& engines,
                     std::vector<EngineRequest> requests, const CaresOptions& options) {
  const size_t total = requests.size();
  const size_t parts =
      total >= CaresResolver::kParallelBatch ? std::min(engines.size(), total) : size_t(1);
  BatchResult out;
  out.steps.reserve(total);
  if (parts == 1) {
    auto steps = engines[0]->run(std::move(requests), options.max_in_flight);
    collect(*engines[0], std::move(steps), total, out);
    engines[0]->reportCounts(options.on_query);
    return out;
  }
  // Contiguous parts, slots renumbered from 0 in each; part k's answers go back
  // at its offset, so the order is the input's whatever finishes first.
  const size_t window = (options.max_in_flight + parts - 1) / parts;
  std::vector<std::vector<EngineRequest>> split(parts);
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
  auto first = engines[0]->run(std::move(split[0]), window);
  collect(*engines[0], std::move(first), begin[1], out);
  for (size_t k = 1; k < parts; ++k)  // get() rethrows what a part threw, after it finished
    collect(*engines[k], others[k - 1].get(), begin[k + 1] - begin[k], out);
  for (size_t k = 0; k < parts; ++k) engines[k]->reportCounts(options.on_query);
  return out;
}

PtrLookup toPtrLookup(const IpAddress& ip, dns::AnswerStep& step) {
  PtrLookup out;
  out.ip = ip;
  out.outcome = step.outcome;
  out.names = std::move(step.names);
  out.ttl = step.ttl == kNoTtl ? 0 : step.ttl;
  out.detail = std::move(step.detail);
  return out;
}

ForwardLookup toForwardLookup(ForwardQuestion question, dns::AnswerStep& step) {
  ForwardLookup out;
  out.question = std::move(question);
  out.outcome = step.outcome;
  out.addresses = std::move(step.addresses);
  out.cnames = std::move(step.cnames);
  out.ttl = step.ttl == kNoTtl ? 0 : step.ttl;
  out.detail = std::move(step.detail);
  return out;
}

uint16_t forwardType(IpAddress::Family family) {
  return family == IpAddress::Family::kV4 ? dns::kTypeA : dns::kTypeAaaa;
}

}  // namespace

std::vector<PtrLookup> CaresResolver::lookupPtr(const std::vector<IpAddress>& ips) {
  std::vector<EngineRequest> requests;
  requests.reserve(ips.size());
  for (uint32_t i = 0; i < ips.size(); ++i)
    requests.push_back(EngineRequest{ips[i].reverseName(), dns::kTypePtr, i, 0});
  auto batch = runBatch(engines_, std::move(requests), options_);
  std::vector<PtrLookup> out;
  out.reserve(ips.size());
  for (size_t i = 0; i < ips.size(); ++i) out.push_back(toPtrLookup(ips[i], batch.steps[i]));
  return out;
}

std::vector<ForwardLookup> CaresResolver::lookupForward(
    const std::vector<ForwardQuestion>& questions) {
  std::vector<EngineRequest> requests;
  requests.reserve(questions.size());
  for (uint32_t i = 0; i < questions.size(); ++i)
    requests.push_back(
        EngineRequest{canonicalName(questions[i].name), forwardType(questions[i].family), i, 0});
  auto batch = runBatch(engines_, std::move(requests), options_);
  std::vector<ForwardLookup> out;
  out.reserve(questions.size());
  for (size_t i = 0; i < questions.size(); ++i)
    out.push_back(toForwardLookup(questions[i], batch.steps[i]));
  return out;
}

PtrAndForward CaresResolver::lookupPtrAndForward(const std::vector<IpAddress>& ips) {
  std::vector<EngineRequest> requests;
  requests.reserve(ips.size());
  for (uint32_t i = 0; i < ips.size(); ++i)
    requests.push_back(
        EngineRequest{ips[i].reverseName(), dns::kTypePtr, i, forwardType(ips[i].family())});
  auto batch = runBatch(engines_, std::move(requests), options_);
  PtrAndForward out;
  out.ptrs.reserve(ips.size());
  for (size_t i = 0; i < ips.size(); ++i) out.ptrs.push_back(toPtrLookup(ips[i], batch.steps[i]));
  // Each engine asked a name once; two engines may both have asked it: sorted,
  // the first of equal questions is kept.
  std::vector<uint32_t> order(batch.followed.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return batch.followed[a] < batch.followed[b]; });
  out.forwards.reserve(order.size());
  for (uint32_t k : order) {
    if (!out.forwards.empty() && out.forwards.back().question == batch.followed[k]) continue;
    out.forwards.push_back(toForwardLookup(std::move(batch.followed[k]), batch.followed_steps[k]));
  }
  return out;
}

}  // namespace ptrd
