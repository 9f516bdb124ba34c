// DNS faults on the observation path: the resolver down, SERVFAIL, silence
// (timeouts) and truncated UDP answers. A lookup that fails is lookup_error --
// never "the name has no address" (which would read as blocked_forward) and
// never a reason to change anything; after the fault clears the next pass
// converges.
#include "tests/lab/free_port.h"
#include "tests/lab/silent_server.h"
#include "tests/reliability/dns_fault_proxy.h"
#include "tests/reliability/reliability_lab.h"

namespace ptrd::reliability {
namespace {

class DnsFaults : public ReliabilityLab {
 protected:
  void SetUp() override {
    ReliabilityLab::SetUp();
    // Under sync, with the decoys declared as they are: a reset here could only
    // come from a fault.
    auto records = fleet();
    records["203.0.113.9"] = "stray-9.example.org.";
    records["203.0.113.10"] = "stray-10.example.org.";
    declare(records);
    good_ = writeConfig({.policy = "sync"});
    planned_ = plannedChanges(good_);
    ASSERT_EQ(planned_.size(), 6u);
    before_ = snapshot();
  }
  // A pass whose DNS cannot be read: nothing is sent, 3..8 are lookup_error, exit 2.
  void expectLookupErrorsOnly(const PtrdRun& r) {
    EXPECT_EQ(r.result.exit_code, 2) << r.result.out << r.result.err;
    ASSERT_FALSE(r.doc.is_null()) << r.result.out << r.result.err;
    EXPECT_EQ(r.doc["summary"]["lookup_error"], 6) << r.doc["summary"].dump();
    EXPECT_EQ(r.doc["summary"]["blocked_forward"], 0) << "a failed lookup is not \"no address\"";
    EXPECT_EQ(r.doc["summary"]["reset"], 0);
    EXPECT_EQ(r.doc["result"]["applied"], 0);
    EXPECT_EQ(snapshot(), before_);
  }
  PtrdRun applyVia(const std::vector<std::string>& resolvers) {
    std::string config = writeConfig({.resolvers = resolvers, .policy = "sync"});
    return ptrd({"apply", "-c", config, "-o", "json", "--verify-timeout", "3"});
  }

  std::string good_;
  std::map<std::string, std::string> planned_;
  Snapshot before_;
};

TEST_F(DnsFaults, ResolverDownIsLookupErrorAndChangesNothing) {
  PtrdRun r = applyVia({"127.0.0.1:" + std::to_string(lab::freePort())});
  expectLookupErrorsOnly(r);
  writeConfig({.policy = "sync"});
  expectConverges(good_);
}

TEST_F(DnsFaults, ServfailIsLookupErrorAndChangesNothing) {
  DnsFaultProxy proxy(pdns_->dnsPort());
  proxy.set(DnsFaultProxy::Mode::kServfail, "example.com.");
  PtrdRun r = applyVia({proxy.address()});
  expectLookupErrorsOnly(r);
  ASSERT_FALSE(r.doc.is_null());
  for (const auto& rec : r.doc["records"]) {
    if (rec["state"] == "lookup_error") {
      EXPECT_NE(rec["reason"].get<std::string>().find("servfail"), std::string::npos) << rec.dump();
    }
  }
  // The fault clears on the same server: the next pass converges through it.
  proxy.set(DnsFaultProxy::Mode::kPass);
  PtrdRun healed = applyVia({proxy.address()});
  EXPECT_EQ(healed.result.exit_code, 0) << healed.result.out << healed.result.err;
  expectOnlyPlannedChanges(before_, snapshot(), planned_);
  for (const auto& [ip, host] : fleet()) EXPECT_EQ(ptrOf(ip), host) << ip;
}

TEST_F(DnsFaults, SilenceTimesOutIntoLookupErrorWithinBoundedTime) {
  lab::SilentServer silent;
  PtrdRun r = applyVia({silent.address()});
  expectLookupErrorsOnly(r);
  EXPECT_LT(r.took, std::chrono::seconds(20)) << "c-ares gives up after its timeout x attempts";
  writeConfig({.policy = "sync"});
  expectConverges(good_);
}

TEST_F(DnsFaults, TruncatedUdpAnswersAreRepeatedOverTcp) {
  DnsFaultProxy proxy(pdns_->dnsPort());
  proxy.set(DnsFaultProxy::Mode::kTruncate);
  PtrdRun r = applyVia({proxy.address()});
  EXPECT_EQ(r.result.exit_code, 0) << "TC=1 is not a failure: the answer comes over TCP\n"
                                   << r.result.out << r.result.err;
  EXPECT_GT(proxy.tcpQueries(), 0);
  EXPECT_GE(proxy.tcpQueries(), proxy.udpQueries())
      << "every truncated UDP query was repeated over TCP";
  expectOnlyPlannedChanges(before_, snapshot(), planned_);
  for (const auto& [ip, host] : fleet()) EXPECT_EQ(ptrOf(ip), host) << ip;
}

// The verify step's DNS goes silent after the change was sent: the change is
// `propagating` (exit 2), never reported as failed or re-sent blindly, and the
// next pass finds it in_sync.
TEST_F(DnsFaults, VerifyWithoutDnsLeavesChangesPropagating) {
  DnsFaultProxy proxy(pdns_->dnsPort());
  proxy.set(DnsFaultProxy::Mode::kServfail, "in-addr.arpa.");  // forward answers, PTR checks fail
  PtrdRun r = applyVia({proxy.address()});
  EXPECT_EQ(r.result.exit_code, 2) << r.result.out << r.result.err;
  ASSERT_FALSE(r.doc.is_null()) << r.result.out;
  EXPECT_EQ(r.doc["result"]["applied"], 6);
  EXPECT_EQ(r.doc["result"]["propagating"], 6);
  EXPECT_EQ(r.doc["result"]["failed"], 0);
  expectOnlyPlannedChanges(before_, snapshot(), planned_);
  proxy.set(DnsFaultProxy::Mode::kPass);
  PtrdRun again = applyVia({proxy.address()});
  EXPECT_EQ(again.result.exit_code, 0) << again.result.out << again.result.err;
  ASSERT_FALSE(again.doc.is_null());
  EXPECT_EQ(again.doc["result"]["applied"], 0) << "nothing sent twice";
}

}  // namespace
}  // namespace ptrd::reliability
