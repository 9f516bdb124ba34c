// The noc provider against the noc-emulator, which publishes into a real
// PowerDNS: batching into bulk jobs, skipped entries, and retries under faults
// without duplicate jobs.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "providers/provider.h"
#include "core/ip_address.h"
#include "tests/integration/provider_lab.h"
#include "tests/lab/noc_emulator_process.h"
#include "tests/lab/pdns_server.h"

namespace ptrd::testing {
namespace {

using nlohmann::json;
using providers::Change;
using Status = providers::ChangeResult::Status;

constexpr int kAddresses = 1200;

std::string ipAt(int i) {
  return fmt::format("10.0.{}.{}", i / 256, i % 256);
}
std::string rev(const std::string& ip) {
  return IpAddress::parse(ip)->reverseName();
}

class NocProviderIntegration : public ::testing::Test {
 protected:
  static std::string account() {
    std::string a;
    for (int i = 0; i < kAddresses; ++i)
      a += fmt::format("{} vps-{} {}.static.noc.test.\n", ipAt(i), i / 16,
                       fmt::format("10-0-{}-{}", i / 256, i % 256));
    return a;
  }
  static lab::PdnsServer& withZones(lab::PdnsServer& p) {
    for (int z = 0; z * 256 < kAddresses; ++z)
      p.createZone(fmt::format("{}.0.10.in-addr.arpa.", z));
    return p;
  }

  std::unique_ptr<providers::Provider> provider() {
    providers::ProviderConfig c;
    c.type = "noc";
    c.url = noc_.url();
    c.apiKeyFile = noc_.tokenFile();
    c.batchSize = 500;
    c.requestTimeout = std::chrono::seconds(10);
    c.jobTimeout = std::chrono::seconds(60);
    auto p = providers::makeProvider(c, observed_.observer());
    EXPECT_TRUE(p.ok()) << (p ? "" : p.error().message);
    return std::move(*p);
  }

  // Applies changes in batches of maxBatchSize(), as the reconciler does.
  std::vector<providers::ChangeResult> applyAll(providers::Provider& p,
                                                const std::vector<Change>& changes) {
    std::vector<providers::ChangeResult> out;
    for (size_t i = 0; i < changes.size(); i += p.maxBatchSize()) {
      std::vector<Change> batch(
          changes.begin() + long(i),
          changes.begin() + long(std::min(changes.size(), i + p.maxBatchSize())));
      auto r = p.apply(batch);
      EXPECT_TRUE(r.ok()) << (r ? "" : r.error().message);
      if (r) out.insert(out.end(), r->begin(), r->end());
    }
    return out;
  }

  static std::vector<Change> allSets(const std::string& suffix) {
    std::vector<Change> changes;
    for (int i = 0; i < kAddresses; ++i)
      changes.push_back(
          {ipAt(i), rev(ipAt(i)), Change::Action::kSet, fmt::format("h{}.{}.", i, suffix)});
    return changes;
  }

  // POST /v1/ptr/bulk entries of the emulator's request log.
  std::vector<json> bulkPosts() {
    std::vector<json> out;
    for (const auto& r : noc_.requests())
      if (r["method"] == "POST" && r["path"] == "/v1/ptr/bulk") out.push_back(r);
    return out;
  }

  void expectDnsShows(const std::string& suffix) {
    std::map<std::string, std::vector<std::string>> all;
    for (int z = 0; z * 256 < kAddresses; ++z)
      all.merge(pdns_.ptrRecords(fmt::format("{}.0.10.in-addr.arpa.", z)));
    int wrong = 0;
    for (int i = 0; i < kAddresses; ++i)
      wrong += all[rev(ipAt(i))] != std::vector<std::string>{fmt::format("h{}.{}.", i, suffix)};
    EXPECT_EQ(wrong, 0);
    EXPECT_EQ(digPtr(pdns_.dnsPort(), ipAt(1199), pdns_.dir()), fmt::format("h1199.{}.", suffix));
  }

  lab::PdnsServer pdns_;
  lab::NocEmulatorProcess noc_{withZones(pdns_), lab::withAccount(account())};
  ObservedRequests observed_;
};

TEST_F(NocProviderIntegration, InventoryPagesThroughEveryAddress) {
  ASSERT_EQ(noc_.setPtr("10.0.0.5", "Changed.Example.com"), 200);  // behind ptrd's back
  auto inv = provider()->inventory();
  ASSERT_TRUE(inv.ok()) << inv.error().message;
  ASSERT_EQ(inv->addresses.size(), size_t(kAddresses));
  EXPECT_EQ(inv->addresses[5].ptr, "changed.example.com.");
  EXPECT_TRUE(inv->addresses[5].custom);
  EXPECT_EQ(inv->addresses[6].ptr, "10-0-0-6.static.noc.test.");
  EXPECT_FALSE(inv->addresses[6].custom);
  EXPECT_EQ(observed_.count("list_ips", 200), 2);  // 1000 + 200
  EXPECT_EQ(digPtr(pdns_.dnsPort(), "10.0.0.5", pdns_.dir()), "changed.example.com.");
}

TEST_F(NocProviderIntegration, TwelveHundredChangesGoOutAsThreeBulkJobs) {
  auto p = provider();
  auto results = applyAll(*p, allSets("fleet.example.com"));
  ASSERT_EQ(results.size(), size_t(kAddresses));
  int applied = 0;
  for (const auto& r : results) applied += r.status == Status::kApplied;
  EXPECT_EQ(applied, kAddresses);
  EXPECT_EQ(results[7].ptr, "h7.fleet.example.com.");
  auto posts = bulkPosts();
  ASSERT_EQ(posts.size(), 3u);
  std::set<std::string> keys;
  for (const auto& post : posts) {
    EXPECT_LE(json::parse(post["body"].get<std::string>())["entries"].size(), 500u);
    keys.insert(post["idempotency_key"].get<std::string>());
  }
  EXPECT_EQ(keys.size(), 3u);
  expectDnsShows("fleet.example.com");
}

TEST_F(NocProviderIntegration, UnownedAndInvalidEntriesAreSkipped) {
  auto p = provider();
  auto r = p->apply({{"10.0.0.1", rev("10.0.0.1"), Change::Action::kSet, "ok.example.com."},
                     {"192.0.2.1", rev("192.0.2.1"), Change::Action::kSet, "stray.example.com."},
                     {"10.0.0.2", rev("10.0.0.2"), Change::Action::kSet, "mail"},
                     {"10.0.0.03", "", Change::Action::kSet, "x.example.com."},
                     {"10.0.0.4", rev("10.0.0.4"), Change::Action::kReset, ""}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0].status, Status::kApplied);
  EXPECT_EQ((*r)[1].status, Status::kNotYours);
  EXPECT_EQ((*r)[2].status, Status::kInvalid);
  EXPECT_EQ((*r)[3].status, Status::kInvalid);
  EXPECT_EQ((*r)[4].status, Status::kApplied);
  EXPECT_EQ((*r)[4].ptr, "10-0-0-4.static.noc.test.");
  EXPECT_EQ(digPtr(pdns_.dnsPort(), "10.0.0.1", pdns_.dir()), "ok.example.com.");
  EXPECT_EQ(digPtr(pdns_.dnsPort(), "10.0.0.2", pdns_.dir()), "10-0-0-2.static.noc.test.");
}

TEST_F(NocProviderIntegration, RetriesUnderFaultsConvergeWithoutDuplicateJobs) {
  noc_.setFaults({{"error_rate", 0.2},
                  {"rate_limit_every", 9},
                  {"rate_limit_burst", 2},
                  {"retry_after_s", 1},
                  {"seed", 20261127}});
  auto p = provider();
  auto results = applyAll(*p, allSets("retry.example.com"));
  ASSERT_EQ(results.size(), size_t(kAddresses));
  int applied = 0;
  for (const auto& r : results) applied += r.status == Status::kApplied;
  EXPECT_EQ(applied, kAddresses);
  expectDnsShows("retry.example.com");

  EXPECT_GT(observed_.count("bulk_submit", 429) + observed_.count("get_job", 429), 0);
  EXPECT_GT(observed_.count("bulk_submit", 503) + observed_.count("get_job", 503), 0);
  // Every bulk POST of one batch carries the same key; three keys in all, and a
  // retried POST found the first job instead of queuing a second one.
  std::map<std::string, int> postsPerKey;
  for (const auto& post : bulkPosts()) ++postsPerKey[post["idempotency_key"].get<std::string>()];
  EXPECT_EQ(postsPerKey.size(), 3u);
  int retried = 0;
  for (const auto& [key, n] : postsPerKey) retried += n > 1;
  EXPECT_GT(retried, 0) << "the seed should make at least one bulk POST fail";
  noc_.setFaults({{"error_rate", 0}, {"rate_limit_every", 0}});
  EXPECT_EQ(noc_.getStatus("/v1/jobs/j-3"), 200);
  EXPECT_EQ(noc_.getStatus("/v1/jobs/j-4"), 404);  // no job was queued twice
}

}  // namespace
}  // namespace ptrd::testing
