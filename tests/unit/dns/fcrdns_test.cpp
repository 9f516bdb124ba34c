// The FCrDNS verdict as a pure function, and observe() batching, with a fake
// Resolver: no network.
#include "reconciler/dns/fcrdns.h"

#include <gtest/gtest.h>

#include <map>

namespace ptrd::fcrdns {
namespace {

IpAddress ip(const char* t) {
  return *IpAddress::parse(t);
}

PtrLookup ptrAnswer(const char* addr, std::vector<std::string> names) {
  return PtrLookup{ip(addr), LookupOutcome::kAnswer, std::move(names), 60, ""};
}
PtrLookup ptrOutcome(const char* addr, LookupOutcome o) {
  return PtrLookup{ip(addr), o, {}, 0, "why"};
}
ForwardLookup fwd(const char* name, LookupOutcome o, std::vector<IpAddress> addrs = {},
                  IpAddress::Family f = IpAddress::Family::kV4) {
  return ForwardLookup{{name, f}, o, std::move(addrs), {}, 60, ""};
}

TEST(Judge, ConfirmedWhenTheForwardAnswerContainsTheIp) {
  auto f = fwd("mail.example.com.", LookupOutcome::kAnswer, {ip("192.0.2.1"), ip("192.0.2.10")});
  auto o = judge(ptrAnswer("192.0.2.10", {"mail.example.com."}), {&f});
  EXPECT_EQ(o.verdict, Verdict::kConfirmed);
  EXPECT_EQ(o.ptr, std::vector<std::string>{"mail.example.com."});
  EXPECT_EQ(o.forward.size(), 2u);
}

TEST(Judge, MismatchWhenTheNameResolvesElsewhere) {
  auto f = fwd("mail.example.com.", LookupOutcome::kAnswer, {ip("192.0.2.99")});
  auto o = judge(ptrAnswer("192.0.2.10", {"mail.example.com."}), {&f});
  EXPECT_EQ(o.verdict, Verdict::kForwardMismatch);
  EXPECT_NE(o.detail.find("192.0.2.99"), std::string::npos) << o.detail;
}

TEST(Judge, MissingOnNxdomainAndNodata) {
  for (auto outcome : {LookupOutcome::kNxdomain, LookupOutcome::kNodata}) {
    auto f = fwd("mail.example.com.", outcome);
    EXPECT_EQ(judge(ptrAnswer("192.0.2.10", {"mail.example.com."}), {&f}).verdict,
              Verdict::kForwardMissing);
  }
}

TEST(Judge, NoPtrOnlyForDefinitiveNegatives) {
  EXPECT_EQ(judge(ptrOutcome("192.0.2.10", LookupOutcome::kNxdomain), {}).verdict, Verdict::kNoPtr);
  EXPECT_EQ(judge(ptrOutcome("192.0.2.10", LookupOutcome::kNodata), {}).verdict, Verdict::kNoPtr);
  for (auto failure : {LookupOutcome::kTimeout, LookupOutcome::kServfail, LookupOutcome::kRefused,
                       LookupOutcome::kOther}) {
    auto o = judge(ptrOutcome("192.0.2.10", failure), {});
    EXPECT_EQ(o.verdict, Verdict::kLookupError) << outcomeName(failure);
    EXPECT_NE(o.detail.find(outcomeName(failure)), std::string::npos) << o.detail;
  }
}

TEST(Judge, ForwardFailureIsALookupErrorNotMissing) {
  for (auto failure : {LookupOutcome::kTimeout, LookupOutcome::kServfail, LookupOutcome::kRefused,
                       LookupOutcome::kOther}) {
    auto f = fwd("mail.example.com.", failure);
    EXPECT_EQ(judge(ptrAnswer("192.0.2.10", {"mail.example.com."}), {&f}).verdict,
              Verdict::kLookupError);
  }
  // A name nobody looked up is not evidence either.
  EXPECT_EQ(judge(ptrAnswer("192.0.2.10", {"mail.example.com."}), {}).verdict,
            Verdict::kLookupError);
}

TEST(Judge, MultiplePtrEvenWhenOneConfirms) {
  auto a = fwd("a.example.com.", LookupOutcome::kAnswer, {ip("192.0.2.10")});
  auto b = fwd("b.example.com.", LookupOutcome::kNxdomain);
  auto o = judge(ptrAnswer("192.0.2.10", {"a.example.com.", "b.example.com."}), {&b, &a});
  EXPECT_EQ(o.verdict, Verdict::kMultiplePtr);
  EXPECT_NE(o.detail.find("confirmed: a.example.com."), std::string::npos) << o.detail;
  EXPECT_NE(o.detail.find("forward_missing: b.example.com."), std::string::npos) << o.detail;
  EXPECT_EQ(o.forward, std::vector<IpAddress>{ip("192.0.2.10")});
}

// One of each verdict (and a CNAME chain), forward answers sorted by question
// as the resolver hands them over.
PtrAndForward everyVerdict() {
  PtrAndForward got;
  got.ptrs = {ptrAnswer("192.0.2.10", {"mail.example.com."}),
              ptrAnswer("192.0.2.11", {"web.example.com."}),
              ptrOutcome("192.0.2.12", LookupOutcome::kNxdomain),
              ptrAnswer("192.0.2.13", {"gone.example.com."}),
              ptrAnswer("192.0.2.14", {"a.example.com.", "b.example.com."}),
              ptrOutcome("192.0.2.15", LookupOutcome::kTimeout),
              ptrAnswer("192.0.2.16", {"bad_name.example.com."}),
              ptrAnswer("2001:db8::1", {"v6.example.com."}),
              ptrAnswer("192.0.2.17", {"alias.example.com."})};
  got.forwards = {
      fwd("a.example.com.", LookupOutcome::kAnswer, {ip("192.0.2.14")}),
      fwd("alias.example.com.", LookupOutcome::kAnswer, {ip("192.0.2.17")}),
      fwd("b.example.com.", LookupOutcome::kServfail),
      fwd("gone.example.com.", LookupOutcome::kNxdomain),
      fwd("mail.example.com.", LookupOutcome::kAnswer, {ip("192.0.2.10")}),
      fwd("v6.example.com.", LookupOutcome::kAnswer, {ip("2001:db8::1")}, IpAddress::Family::kV6),
      fwd("web.example.com.", LookupOutcome::kAnswer, {ip("192.0.2.99")})};
  got.forwards[1].cnames = {"host.example.net."};
  return got;
}

void expectSameFindings(const Observation& a, const Observation& b) {
  EXPECT_EQ(a.ip, b.ip);
  EXPECT_EQ(a.ptr, b.ptr) << a.ip.str();
  EXPECT_EQ(a.forward, b.forward) << a.ip.str();
  EXPECT_EQ(a.verdict, b.verdict) << a.ip.str();
}

TEST(JudgeAll, MovingTheLookupsGivesTheSameObservations) {
  PtrAndForward got = everyVerdict();
  auto copied = judgeAll(got);
  auto moved = judgeAll(std::move(got));
  ASSERT_EQ(moved.size(), copied.size());
  for (size_t i = 0; i < moved.size(); ++i) {
    expectSameFindings(moved[i], copied[i]);
    EXPECT_EQ(moved[i].detail, copied[i].detail);
  }
  EXPECT_EQ(copied[0].detail, "mail.example.com. resolves back to 192.0.2.10");
  EXPECT_EQ(copied[8].detail,
            "alias.example.com. resolves back to 192.0.2.17 (via CNAME host.example.net.)");
  EXPECT_EQ(copied[7].verdict, Verdict::kConfirmed);
}

TEST(JudgeAll, ProblemsOnlyDropsJustTheConfirmedDetail) {
  const PtrAndForward got = everyVerdict();
  auto all = judgeAll(got);
  auto problems = judgeAll(got, Details::kProblemsOnly);
  ASSERT_EQ(problems.size(), all.size());
  std::map<Verdict, int> seen;
  for (size_t i = 0; i < all.size(); ++i) {
    expectSameFindings(problems[i], all[i]);
    ++seen[all[i].verdict];
    EXPECT_FALSE(all[i].detail.empty()) << all[i].ip.str();
    const std::string want = all[i].verdict == Verdict::kConfirmed ? "" : all[i].detail;
    EXPECT_EQ(problems[i].detail, want) << all[i].ip.str();
  }
  EXPECT_EQ(seen.size(), kAllVerdicts.size());
  // A confirming name among several still explains itself.
  EXPECT_NE(problems[4].detail.find("confirmed: a.example.com. resolves back to 192.0.2.14"),
            std::string::npos)
      << problems[4].detail;
}

TEST(Verdicts, NamesAreTheContractWords) {
  std::vector<std::string> names;
  for (auto v : kAllVerdicts) names.push_back(verdictName(v));
  EXPECT_EQ(names, (std::vector<std::string>{"confirmed", "no_ptr", "forward_mismatch",
                                             "forward_missing", "multiple_ptr", "lookup_error"}));
}

// Answers from tables; records every batch it was asked.
class FakeResolver : public Resolver {
 public:
  std::map<IpAddress, PtrLookup> ptrs;
  std::map<ForwardQuestion, ForwardLookup> forwards;
  std::vector<std::vector<ForwardQuestion>> forward_batches;
  int ptr_batches = 0;

  std::vector<PtrLookup> lookupPtr(const std::vector<IpAddress>& ips) override {
    ++ptr_batches;
    std::vector<PtrLookup> out;
    for (const auto& i : ips) {
      auto it = ptrs.find(i);
      out.push_back(it != ptrs.end() ? it->second
                                     : PtrLookup{i, LookupOutcome::kNxdomain, {}, 0, ""});
    }
    return out;
  }
  std::vector<ForwardLookup> lookupForward(const std::vector<ForwardQuestion>& qs) override {
    forward_batches.push_back(qs);
    std::vector<ForwardLookup> out;
    for (const auto& q : qs) {
      auto it = forwards.find(q);
      out.push_back(it != forwards.end()
                        ? it->second
                        : ForwardLookup{q, LookupOutcome::kNxdomain, {}, {}, 0, ""});
    }
    return out;
  }
};

TEST(Observe, OneBatchEachAndDistinctQuestionsPerFamily) {
  FakeResolver r;
  r.ptrs[ip("192.0.2.1")] = ptrAnswer("192.0.2.1", {"pool.example.com."});
  r.ptrs[ip("192.0.2.2")] = ptrAnswer("192.0.2.2", {"pool.example.com."});
  r.ptrs[ip("2001:db8::1")] = ptrAnswer("2001:db8::1", {"pool.example.com."});
  r.ptrs[ip("192.0.2.3")] = ptrOutcome("192.0.2.3", LookupOutcome::kTimeout);
  r.forwards[{"pool.example.com.", IpAddress::Family::kV4}] =
      fwd("pool.example.com.", LookupOutcome::kAnswer, {ip("192.0.2.1")});
  r.forwards[{"pool.example.com.", IpAddress::Family::kV6}] =
      fwd("pool.example.com.", LookupOutcome::kAnswer, {ip("2001:db8::1")}, IpAddress::Family::kV6);

  auto obs = observe(
      r, {ip("192.0.2.1"), ip("192.0.2.2"), ip("2001:db8::1"), ip("192.0.2.3"), ip("192.0.2.4")});
  EXPECT_EQ(r.ptr_batches, 1);
  ASSERT_EQ(r.forward_batches.size(), 1u);
  EXPECT_EQ(r.forward_batches[0].size(), 2u);  // one A and one AAAA question for the shared name
  ASSERT_EQ(obs.size(), 5u);
  EXPECT_EQ(obs[0].verdict, Verdict::kConfirmed);
  EXPECT_EQ(obs[1].verdict, Verdict::kForwardMismatch);
  EXPECT_EQ(obs[2].verdict, Verdict::kConfirmed);
  EXPECT_EQ(obs[3].verdict, Verdict::kLookupError);
  EXPECT_EQ(obs[4].verdict, Verdict::kNoPtr);
  EXPECT_EQ(obs[4].ip, ip("192.0.2.4"));
}

TEST(Observe, EmptyInputAsksNothingWorthAsking) {
  FakeResolver r;
  EXPECT_TRUE(observe(r, {}).empty());
  ASSERT_EQ(r.forward_batches.size(), 1u);
  EXPECT_TRUE(r.forward_batches[0].empty());
}

// A resolver that pipelines (overrides lookupPtrAndForward): observe takes its
// forward answers as they are and never asks in two batches; a name the
// resolver did not look up is a lookup error, never a confirmation or "no PTR".
class PipelinedResolver final : public FakeResolver {
 public:
  int pipelined = 0;
  std::vector<ForwardLookup> given;  // sorted by question, as the contract says
  PtrAndForward lookupPtrAndForward(const std::vector<IpAddress>& ips) override {
    ++pipelined;
    PtrAndForward out;
    out.ptrs = FakeResolver::lookupPtr(ips);
    out.forwards = given;
    return out;
  }
};

TEST(Observe, UsesTheResolversOwnPtrAndForwardLookups) {
  PipelinedResolver r;
  r.ptrs[ip("192.0.2.1")] = ptrAnswer("192.0.2.1", {"a.example.com."});
  r.ptrs[ip("192.0.2.2")] = ptrAnswer("192.0.2.2", {"b.example.com."});
  r.ptrs[ip("2001:db8::1")] = ptrAnswer("2001:db8::1", {"a.example.com."});
  r.given = {
      fwd("a.example.com.", LookupOutcome::kAnswer, {ip("192.0.2.1")}),
      fwd("a.example.com.", LookupOutcome::kAnswer, {ip("2001:db8::1")}, IpAddress::Family::kV6),
      fwd("c.example.com.", LookupOutcome::kAnswer, {ip("192.0.2.2")})};
  auto obs = observe(r, {ip("192.0.2.1"), ip("192.0.2.2"), ip("2001:db8::1")});
  EXPECT_EQ(r.pipelined, 1);
  EXPECT_EQ(r.ptr_batches, 1);
  EXPECT_TRUE(r.forward_batches.empty());
  ASSERT_EQ(obs.size(), 3u);
  EXPECT_EQ(obs[0].verdict, Verdict::kConfirmed);
  EXPECT_EQ(obs[1].verdict, Verdict::kLookupError) << obs[1].detail;  // b. not looked up
  EXPECT_NE(obs[1].detail.find("was not looked up"), std::string::npos) << obs[1].detail;
  EXPECT_EQ(obs[2].verdict, Verdict::kConfirmed);  // matched by name AND family
}

TEST(ForwardQuestionsFor, OnlyAnswersAndOnlyHostnamesSortedAndDistinct) {
  std::vector<PtrLookup> ptrs = {
      ptrAnswer("192.0.2.2", {"b.example.com.", "a.example.com."}),
      ptrAnswer("192.0.2.1", {"a.example.com.", "odd\\032name.example.com."}),
      ptrOutcome("192.0.2.3", LookupOutcome::kServfail),
      ptrAnswer("2001:db8::1", {"a.example.com."}),
  };
  ptrs[2].names = {"never.example.com."};  // a failed lookup's names are not asked
  EXPECT_EQ(forwardQuestionsFor(ptrs),
            (std::vector<ForwardQuestion>{{"a.example.com.", IpAddress::Family::kV4},
                                          {"a.example.com.", IpAddress::Family::kV6},
                                          {"b.example.com.", IpAddress::Family::kV4}}));
  EXPECT_TRUE(isForwardable("mail.example.com."));
  EXPECT_FALSE(isForwardable("mail x.example.com."));
  EXPECT_FALSE(isForwardable("mail\\032x.example.com."));
}

// Issue #10 case 11: a PTR target that is not a hostname (escaped bytes from the
// wire, a space, over 253 octets, a label over 63) is never `confirmed`, even
// when a forward lookup of that odd name would return the IP: it is
// forward_mismatch with the reason, and no forward query is sent for it.
TEST(Judge, PtrTargetThatIsNotAHostnameIsNeverConfirmed) {
  std::string longLabel(64, 'a');
  std::string longName;
  for (int i = 0; i < 5; ++i) longName += std::string(60, 'b') + ".";
  longName += "com.";
  for (const std::string& odd :
       {std::string("mail\\032x.example.com."), std::string("mail x.example.com."),
        std::string("mail\\046evil.example.com."), std::string("under_score.example.com."),
        longLabel + ".example.com.", longName}) {
    FakeResolver r;
    r.ptrs[ip("192.0.2.10")] = ptrAnswer("192.0.2.10", {odd});
    r.forwards[{odd, IpAddress::Family::kV4}] =
        fwd(odd.c_str(), LookupOutcome::kAnswer, {ip("192.0.2.10")});
    auto obs = observe(r, {ip("192.0.2.10")});
    ASSERT_EQ(obs.size(), 1u);
    EXPECT_EQ(obs[0].verdict, Verdict::kForwardMismatch) << odd << ": " << obs[0].detail;
    EXPECT_NE(obs[0].detail.find("not a valid hostname"), std::string::npos) << obs[0].detail;
    ASSERT_EQ(r.forward_batches.size(), 1u);
    EXPECT_TRUE(r.forward_batches[0].empty()) << "no forward query for " << odd;
    auto f = fwd(odd.c_str(), LookupOutcome::kAnswer, {ip("192.0.2.10")});
    EXPECT_NE(judge(ptrAnswer("192.0.2.10", {odd}), {&f}).verdict, Verdict::kConfirmed) << odd;
  }
}

}  // namespace
}  // namespace ptrd::fcrdns
