// Provider throughput benchmark. Not a test: prints figures for
// docs/benchmarks.md. Starts a lab PowerDNS (one zone per /24) and measures
//   1. N set changes through the PowerDNS provider (PATCHes of 500 rrsets);
//   2. N set changes through the noc provider -> noc-emulator -> PowerDNS
//      (bulk jobs of 500, polled to completion);
// plus the inventory of the N addresses through each.
//
//   ptrd_provider_bench [N=100000]
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "providers/provider.h"
#include "core/ip_address.h"
#include "tests/lab/noc_emulator_process.h"
#include "tests/lab/pdns_server.h"

namespace {

using namespace ptrd;
using Clock = std::chrono::steady_clock;

// 10.1.0.0 + i: N up to ~16M addresses, one /24 zone per 256.
IpAddress ipAt(int i) {
  return IpAddress::v4((10u << 24) + (1u << 16) + uint32_t(i));
}
std::string zoneOf(int i) {
  return ipAt(i).reverseName().substr(ipAt(i).reverseName().find('.') + 1);
}

double seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// Applies all changes in batches of maxBatchSize(); returns how many were applied.
int applyAll(providers::Provider& p, const std::vector<providers::Change>& changes) {
  int applied = 0;
  for (size_t i = 0; i < changes.size(); i += p.maxBatchSize()) {
    std::vector<providers::Change> batch(
        changes.begin() + long(i),
        changes.begin() + long(std::min(changes.size(), i + p.maxBatchSize())));
    auto r = p.apply(batch);
    if (!r) throw std::runtime_error(r.error().message);
    for (const auto& x : *r) applied += x.status == providers::ChangeResult::Status::kApplied;
  }
  return applied;
}

void measure(const std::string& label, providers::Provider& p,
             const std::vector<providers::Change>& changes) {
  auto t0 = Clock::now();
  int applied = applyAll(p, changes);
  double s = seconds(t0);
  fmt::print("{:<44} {:>7} applied in {:6.2f} s = {:>8.0f} changes/s\n", label, applied, s,
             double(changes.size()) / s);
  t0 = Clock::now();
  auto inv = p.inventory();
  if (!inv) throw std::runtime_error(inv.error().message);
  fmt::print("{:<44} {:>7} addresses in {:6.2f} s\n", label + " inventory", inv->addresses.size(),
             seconds(t0));
}

}  // namespace

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 100000;
  try {
    fmt::print("machine: {} cores; N = {}\n", sysconf(_SC_NPROCESSORS_ONLN), n);
    lab::PdnsServer pdns;
    auto t0 = Clock::now();
    for (int z = 0; z * 256 < n; ++z) pdns.createZone(zoneOf(z * 256));
    fmt::print("created {} zones in {:.2f} s\n", (n + 255) / 256, seconds(t0));

    std::vector<providers::Change> changes;
    std::string account;
    for (int i = 0; i < n; ++i) {
      IpAddress ip = ipAt(i);
      changes.push_back({ip.str(), ip.reverseName(), providers::Change::Action::kSet,
                         fmt::format("host{}.bench.example.com.", i)});
      account += fmt::format("{} vps-{} {}.static.noc.test.\n", ip.str(), i / 64, i);
    }

    providers::ProviderConfig pc;
    pc.type = "powerdns";
    pc.url = pdns.apiUrl();
    pc.apiKeyFile = pdns.apiKeyFile();
    auto powerdns = providers::makeProvider(pc, nullptr);
    if (!powerdns) throw std::runtime_error(powerdns.error().message);
    measure("powerdns provider -> PowerDNS", **powerdns, changes);

    // Second round through the portal with different names, so every change is real.
    for (auto& c : changes) c.hostname = "noc-" + c.hostname;
    auto opts = lab::withAccount(account);
    opts.seedDns = false;
    lab::NocEmulatorProcess noc(pdns, opts);
    providers::ProviderConfig nc;
    nc.type = "noc";
    nc.url = noc.url();
    nc.apiKeyFile = noc.tokenFile();
    auto nocProvider = providers::makeProvider(nc, nullptr);
    if (!nocProvider) throw std::runtime_error(nocProvider.error().message);
    measure("noc provider -> noc-emulator -> PowerDNS", **nocProvider, changes);
    auto check = pdns.ptrRecords(zoneOf(n - 1));
    fmt::print("spot check: {} -> {}\n", ipAt(n - 1).reverseName(),
               check[ipAt(n - 1).reverseName()].at(0));
  } catch (const std::exception& e) {
    std::cerr << "provider bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
