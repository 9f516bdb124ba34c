// `ptrd check`: a read-only FCrDNS audit from DNS alone (contract §3). Asks the
// given resolvers for each IP's PTR and for the forward record of that name, and
// prints the verdict per IP. Exit 0 all confirmed, 2 some not, 1 error.
#include <fmt/format.h>
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <future>

#include "cmd/check_prefetch.h"
#include "cmd/check_report.h"
#include "cmd/check_targets.h"
#include "cmd/commands.h"
#include "reconciler/dns/cares_resolver.h"
#include "reconciler/config/config.h"
#include "reconciler/dns/fcrdns.h"

namespace ptrd::cmd {
namespace {

// Addresses observed per round: large enough that the resolver's window drains
// (at the end of each batch) rarely, small enough that a chunk's answers and
// rows cost a few MB whatever the fleet's size, and that the first chunk is
// ready early in the load (measured: 8,192 beats 16,384 by 2-4 % end to end at
// 65,536 addresses, even at 262,144). Never below kRenderChunk: the text
// table's widths come from the first render.
constexpr size_t kChunk = 8192;
// Chunks asked ahead while the file loads (check_prefetch.h): a million-line
// file loads in about a second, in which DNS answers a few chunks; the bound
// keeps a slow load from holding more than ~50 MB of answers.
constexpr size_t kPrefetchChunks = 16;
// Rows rendered per report.add(): the text table's column widths come from the
// first call, so this stays what it always was and the output with it.
constexpr size_t kRenderChunk = 4096;
static_assert(kChunk >= kRenderChunk && kChunk % kRenderChunk == 0);

void write(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
}

struct CheckArgs {
  std::string config;
  std::vector<std::string> resolvers;
  std::vector<std::string> ips;
  std::string file;
  std::string output = "text";
  double timeout_seconds = 2.0;
  int attempts = 2;
  size_t max_in_flight = 100;
};

int runCheck(const CheckArgs& args) {
  // Keep freed memory mapped for the next chunk instead of handing it back and
  // faulting it in again: on a virtual machine a page fault costs microseconds,
  // and a chunk's answers are tens of MB (measured: a tenth fewer faults and of
  // check's CPU). One-shot, so nothing is held longer than the command.
  mallopt(M_TOP_PAD, 64 << 20);
  std::vector<std::string> resolvers = args.resolvers;
  std::vector<std::string> mappings;
  if (!args.config.empty()) {
    // The config supplies what the command line leaves out: its resolvers, and
    // its mapping files as the list of IPs (with their declared names).
    auto config = loadConfig(args.config);
    if (!config) {
      fmt::print(stderr, "{}\n", config.error().message);
      return 1;
    }
    if (resolvers.empty()) resolvers = config->resolvers;
    mappings = config->mappings;
  }
  if (!args.ips.empty() && !args.file.empty()) {
    fmt::print(stderr, "ptrd check: give IP addresses or -f FILE, not both\n");
    return 1;
  }
  if (args.ips.empty() && args.file.empty() && mappings.empty()) {
    fmt::print(stderr, "ptrd check: give IP addresses, -f FILE or -c CONFIG\n");
    return 1;
  }
  CaresOptions options;
  options.servers = resolvers;
  options.timeout = std::chrono::milliseconds(std::max<long>(1, long(args.timeout_seconds * 1000)));
  options.attempts = args.attempts;
  options.max_in_flight = args.max_in_flight;
  // Counted so that "nobody answered at all" (a wrong --resolver) is an error of
  // the audit (exit 1), not a finding about the IPs (exit 2). One batch runs at
  // a time (prefetch, then the chunks), so one thread at a time counts.
  size_t ptr_queries = 0;
  size_t ptr_unanswered = 0;
  options.on_query = [&](std::string_view type, LookupOutcome outcome) {
    if (type != "PTR") return;
    ++ptr_queries;
    if (outcome == LookupOutcome::kTimeout || outcome == LookupOutcome::kOther) ++ptr_unanswered;
  };
  auto resolver = CaresResolver::create(options);
  if (!resolver) {
    fmt::print(stderr, "ptrd check: {}\n", resolver.error().message);
    return 1;
  }

  // The first chunks are asked while the file still loads; a broken file ends
  // here with nothing written, their answers thrown away.
  CheckPrefetch prefetch(**resolver, kChunk, kPrefetchChunks);
  const TargetSeen seen = [&prefetch](const IpAddress& ip) { prefetch.add(ip); };
  auto targets = !args.ips.empty()    ? targetsFromArguments(args.ips)
                 : !args.file.empty() ? targetsFromFile(args.file, seen)
                                      : targetsFromMappings(mappings, seen);
  if (!targets) {
    prefetch.abandon();
    fmt::print(stderr, "ptrd check: {}\n", targets.error().message);
    return 1;
  }
  prefetch.stop();
  std::vector<CheckTarget> list = dedupeTargets(std::move(*targets));

  // Observed, rendered and written one chunk at a time: memory stays that of the
  // target list, whatever the fleet's size, and output starts at once.
  bool any_declared = std::any_of(list.begin(), list.end(),
                                  [](const CheckTarget& t) { return !t.declared.empty(); });
  CheckReport report(
      args.output == "json" ? CheckReport::Format::kJson : CheckReport::Format::kText,
      any_declared);
  // Chunk k's addresses, as the resolver and the prefetch take them.
  auto ipsOf = [&](size_t k) {
    std::vector<IpAddress> ips;
    for (size_t i = k * kChunk; i < std::min(list.size(), (k + 1) * kChunk); ++i)
      ips.push_back(list[i].ip);
    return ips;
  };
  // The resolver asks chunk k+1 on another thread while this one judges and
  // writes chunk k: the DNS server never waits for the rendering. One batch at
  // a time still (get() before the next ask), as the resolver requires.
  auto ask = [&r = **resolver](std::vector<IpAddress> ips) {
    return std::async(std::launch::async,
                      [&r, ips = std::move(ips)] { return r.lookupPtrAndForward(ips); });
  };
  const size_t chunks = (list.size() + kChunk - 1) / kChunk;
  std::future<PtrAndForward> pending;  // the next chunk's, when asked ahead
  // The text table shows a detail only for a row that is not confirmed.
  const fcrdns::Details details =
      args.output == "json" ? fcrdns::Details::kAll : fcrdns::Details::kProblemsOnly;
  std::vector<CheckRow> rows;
  std::string out;  // one buffer for every chunk's rows
  for (size_t k = 0; k < chunks; ++k) {
    const size_t start = k * kChunk;
    const size_t end = std::min(list.size(), start + kChunk);
    PtrAndForward lookups;
    if (pending.valid()) {
      lookups = pending.get();
    } else {
      std::vector<IpAddress> ips = ipsOf(k);
      if (auto prefetched = prefetch.take(k, ips))
        lookups = std::move(*prefetched);
      else
        lookups = ask(std::move(ips)).get();
    }
    if (k + 1 < chunks) {
      std::vector<IpAddress> next = ipsOf(k + 1);
      if (!prefetch.holds(k + 1, next)) pending = ask(std::move(next));
    }
    std::vector<fcrdns::Observation> observations = fcrdns::judgeAll(std::move(lookups), details);
    for (size_t from = start; from < end; from += kRenderChunk) {
      rows.clear();
      for (size_t i = from; i < std::min(end, from + kRenderChunk); ++i)
        rows.push_back(CheckRow{std::move(observations[i - start]), std::move(list[i].declared)});
      out.clear();
      report.add(rows, out);
      write(out);
    }
  }
  write(report.finish());

  if (ptr_queries > 0 && ptr_unanswered == ptr_queries) {
    fmt::print(
        stderr, "ptrd check: no DNS server answered ({}); is --resolver right?\n",
        resolvers.empty() ? "system resolver" : fmt::format("{}", fmt::join(resolvers, ", ")));
    return 1;
  }
  return report.allGood() ? 0 : 2;
}

}  // namespace

void addCheckCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<CheckArgs>();
  auto* sub = app.add_subcommand("check", "Read-only FCrDNS audit from DNS alone");
  sub->footer(
      "For each IP: its PTR, the forward addresses (A for IPv4, AAAA for IPv6) of that name, and "
      "a\n"
      "verdict: confirmed, no_ptr, forward_mismatch, forward_missing, multiple_ptr, lookup_error.\n"
      "A timeout, SERVFAIL or REFUSED is a lookup_error, never \"no PTR\".\n"
      "\n"
      "FILE holds one IP per line, optionally followed by the hostname it should have\n"
      "(\"IP HOSTNAME\" or \"IP,HOSTNAME\"; '#' comments), or is a PTRMappings *.yaml file.\n"
      "With a hostname, check also tells whether the live PTR is the declared one.\n"
      "\n"
      "WITHOUT --resolver, QUERIES GO TO THE SYSTEM RESOLVER (/etc/resolv.conf), which may be\n"
      "off this machine. Tests, labs and benchmarks MUST pass --resolver 127.0.0.1:PORT.\n"
      "\n"
      "Exit status: 0 all confirmed (and as declared), 2 some not, 1 error (bad argument,\n"
      "unreadable file, no DNS server answered).");
  sub->add_option(
      "-c,--config", args->config,
      "ReconcilerConfig file: its resolvers (unless --resolver is given) and, without IPs\n"
      "or -f, every IP its mapping files declare (default: none)");
  sub->add_option(
         "--resolver", args->resolvers,
         "DNS server HOST:PORT, e.g. 127.0.0.1:5300 or [::1]:5300 (repeatable; IP literals only;\n"
         "default: the config's resolvers, else the system resolver)")
      ->allow_extra_args(false);  // one value per --resolver, so IPs after it stay positional
  sub->add_option("-f,--file", args->file,
                  "Read IPs (and declared hostnames) from FILE (default: none)");
  sub->add_option("ips", args->ips, "IP addresses to check");
  sub->add_option("-o,--output", args->output, "Output format")
      ->check(CLI::IsMember({"text", "json"}));
  sub->add_option("--timeout", args->timeout_seconds,
                  "Seconds to wait for the first try of a query (doubles per retry)")
      ->check(CLI::Range(0.001, 60.0));
  sub->add_option("--attempts", args->attempts, "Tries per server")->check(CLI::Range(1, 10));
  sub->add_option("--max-in-flight", args->max_in_flight, "Queries outstanding at once")
      ->check(CLI::Range(size_t(1), size_t(1000)));
  sub->callback([args, &exit_code] { exit_code = runCheck(*args); });
}

}  // namespace ptrd::cmd
