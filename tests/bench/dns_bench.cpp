// dns_bench: end-to-end FCrDNS observation throughput (CaresResolver +
// fcrdns::observe) against a DNS server, for tests/bench/dns_bench.sh.
//
//   dns_bench --server 127.0.0.1:5300 --cidr 10.0.0.0/16 [--repeat 3] [--max-in-flight 100]
//
// Each pass checks every address of the CIDR: one PTR query per address, then one
// forward query per distinct PTR name. Prints one "RESULT" line per pass and a
// total, and fails (exit 1) unless every address came out `confirmed` -- a fast
// run that drops answers is not a result.
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <string>

#include "reconciler/dns/cares_resolver.h"
#include "reconciler/dns/fcrdns.h"

using namespace ptrd;

int main(int argc, char** argv) {
  std::string server;
  std::string cidr_text = "10.0.0.0/16";
  int repeat = 3;
  size_t max_in_flight = 100;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    std::string v = argv[i + 1];
    if (k == "--server")
      server = v;
    else if (k == "--cidr")
      cidr_text = v;
    else if (k == "--repeat")
      repeat = std::atoi(v.c_str());
    else if (k == "--max-in-flight")
      max_in_flight = size_t(std::atol(v.c_str()));
    else {
      fmt::print(stderr, "unknown option {}\n", k);
      return 1;
    }
  }
  if (server.empty()) {
    fmt::print(stderr, "--server HOST:PORT is required (never the system resolver)\n");
    return 1;
  }
  auto cidr = Cidr::parse(cidr_text);
  if (!cidr) {
    fmt::print(stderr, "--cidr: {}\n", cidr.error().message);
    return 1;
  }
  std::vector<IpAddress> ips;
  for (uint64_t i = 0; i < cidr->size(); ++i) ips.push_back(cidr->at(i));

  uint64_t queries = 0;
  // Counted the cheap way (as a metrics counter would be): no formatting per query.
  std::map<std::pair<std::string_view, LookupOutcome>, uint64_t> outcomes;
  CaresOptions options;
  options.servers = {server};
  options.max_in_flight = max_in_flight;
  options.on_query = [&](std::string_view type, LookupOutcome o) {
    ++queries;
    ++outcomes[{type, o}];
  };
  auto resolver = CaresResolver::create(options);
  if (!resolver) {
    fmt::print(stderr, "{}\n", resolver.error().message);
    return 1;
  }

  double total_seconds = 0;
  uint64_t total_queries = 0;
  bool all_confirmed = true;
  for (int pass = 1; pass <= repeat; ++pass) {
    queries = 0;
    auto start = std::chrono::steady_clock::now();
    auto obs = fcrdns::observe(**resolver, ips);
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    size_t confirmed = 0;
    for (const auto& o : obs) confirmed += o.verdict == fcrdns::Verdict::kConfirmed;
    all_confirmed = all_confirmed && confirmed == ips.size();
    total_seconds += seconds;
    total_queries += queries;
    fmt::print("RESULT pass={} addresses={} confirmed={} queries={} seconds={:.3f} qps={:.0f}\n",
               pass, ips.size(), confirmed, queries, seconds, double(queries) / seconds);
  }
  fmt::print("TOTAL queries={} seconds={:.3f} qps={:.0f} addresses_per_second={:.0f}\n",
             total_queries, total_seconds, double(total_queries) / total_seconds,
             double(ips.size()) * repeat / total_seconds);
  for (const auto& [k, v] : outcomes)
    fmt::print("OUTCOME {}/{} {}\n", k.first, outcomeName(k.second), v);
  return all_confirmed ? 0 : 1;
}
