// The status page's data: since-when per address, the bounded row pages, the
// summary, and the page itself (self-contained, hash-pinned script and style).
// The size bounds are checked on a synthetic large state: 1,000,000 addresses
// declared, 10,000 drifting with the longest names DNS allows.
#include <gmock/gmock.h>

#include <nlohmann/json.hpp>
#include <string_view>
#include <set>

#include "reconciler/telemetry/state_since.h"
#include "reconciler/telemetry/status.h"
#include "reconciler/telemetry/status_page.h"
#include "reconciler/telemetry/status_rows.h"

namespace ptrd::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;

IpAddress v4(uint32_t n) {
  return IpAddress::v4(0xC6120000u + n);  // 198.18.0.0/15 and on
}

PlanEntry entry(uint32_t n, RecordState st) {
  PlanEntry e;
  e.ip = v4(n);
  e.state = st;
  e.to = "host" + std::to_string(n) + ".example.com.";
  e.from = "old" + std::to_string(n) + ".example.net.";
  e.reason = "because " + std::to_string(n);
  e.source = SourceLocation{"mappings/fleet.yaml", n + 1, 7};
  return e;
}

// A 253-octet name: the longest a hostname may be.
std::string longName(uint32_t n) {
  std::string label(63, 'a');
  std::string name = std::to_string(n) + label.substr(std::to_string(n).size()) + "." + label +
                     "." + label + "." + label.substr(0, 57) + ".com.";
  return name;
}

TEST(StateSince, RemembersWhenEachAddressEnteredItsStateAndForgetsTheInSync) {
  StateSince since;
  std::vector<PlanEntry> pass1 = {entry(1, RecordState::kBlockedForward),
                                  entry(2, RecordState::kSet)};
  EXPECT_THAT(since.update(pass1, 100), ::testing::ElementsAre(100, 100));
  // Same states later: the first time stays. A changed state starts again.
  std::vector<PlanEntry> pass2 = {entry(1, RecordState::kBlockedForward),
                                  entry(2, RecordState::kPropagating),
                                  entry(3, RecordState::kNotOwned)};
  EXPECT_THAT(since.update(pass2, 200), ::testing::ElementsAre(100, 200, 200));
  // 1 went in sync (absent), then drifted again: a new since.
  std::vector<PlanEntry> pass3 = {entry(3, RecordState::kNotOwned)};
  EXPECT_THAT(since.update(pass3, 300), ::testing::ElementsAre(200));
  EXPECT_EQ(since.size(), 1u);
  EXPECT_THAT(since.update(pass2, 400), ::testing::ElementsAre(400, 400, 200));
}

TEST(StateSince, AddresslessInvalidEntriesAreKeyedByTheirPlace) {
  StateSince since;
  PlanEntry bad;
  bad.state = RecordState::kInvalid;
  bad.reason = "not an IP";
  bad.source = SourceLocation{"m.yaml", 3, 9};
  EXPECT_THAT(since.update({bad, bad}, 10), ::testing::ElementsAre(10, 10));
  EXPECT_THAT(since.update({bad}, 20), ::testing::ElementsAre(10));
}

std::vector<StatusRow> sampleRows() {
  std::vector<PlanEntry> entries = {
      entry(3, RecordState::kSet), entry(1, RecordState::kBlockedForward),
      entry(2, RecordState::kSet), entry(4, RecordState::kLookupError)};
  entries[1].forward = {*IpAddress::parse("192.0.2.1"), *IpAddress::parse("192.0.2.2")};
  entries[1].to = "Mail.Example.COM.";
  return statusRows(entries, {30, 10, 20, 40});
}

TEST(StatusRows, GroupedByStateInContractOrderKeepingPlanOrderWithin) {
  auto rows = sampleRows();
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].state, RecordState::kSet);
  EXPECT_EQ(rows[0].ip, v4(3).str());
  EXPECT_EQ(rows[0].since, 30);
  EXPECT_EQ(rows[1].ip, v4(2).str());
  EXPECT_EQ(rows[2].state, RecordState::kBlockedForward);
  EXPECT_THAT(rows[2].forward, ::testing::ElementsAre("192.0.2.1", "192.0.2.2"));
  EXPECT_EQ(rows[3].state, RecordState::kLookupError);
}

Result<RowQuery> query(std::map<std::string, std::string> params) {
  return parseRowQuery([&](const char* k) { return params.count(k) ? params[k] : ""; });
}

TEST(StatusRows, FilterNarrowsByStateAndCaseInsensitiveText) {
  auto rows = sampleRows();
  auto page = [&](std::map<std::string, std::string> p) {
    auto q = query(p);
    EXPECT_TRUE(q) << q.error().message;
    return Json::parse(renderRowsPage(rows, *q));
  };
  EXPECT_EQ(page({})["total"], 4);
  EXPECT_EQ(page({{"state", "set"}})["total"], 2);
  Json j = page({{"q", "mail.EXAMPLE"}});
  ASSERT_EQ(j["total"], 1);
  EXPECT_EQ(j["rows"][0]["ip"], v4(1).str());
  EXPECT_EQ(j["rows"][0]["forward"], Json::array({"192.0.2.1", "192.0.2.2"}));
  EXPECT_EQ(page({{"q", v4(4).str()}})["rows"][0]["state"], "lookup_error");
  EXPECT_EQ(page({{"q", "old2.example"}})["total"], 1);  // the live PTR counts too
  EXPECT_EQ(page({{"state", "set"}, {"q", "nothing-like-it"}})["total"], 0);
}

TEST(StatusRows, QueryParametersAreBounded) {
  EXPECT_EQ(query({{"limit", "100000"}})->limit, kMaxRowLimit);
  EXPECT_EQ(query({})->limit, kDefaultRowLimit);
  EXPECT_FALSE(query({{"limit", "0"}}));
  EXPECT_FALSE(query({{"offset", "-1"}}));
  EXPECT_FALSE(query({{"offset", "12abc"}}));
  EXPECT_FALSE(query({{"offset", "99999999999999999999999"}}));
  EXPECT_FALSE(query({{"state", "in_sync"}}));  // never listed
  EXPECT_FALSE(query({{"state", "bogus"}}));
  EXPECT_FALSE(query({{"q", std::string(kMaxQueryText + 1, 'x')}}));
  EXPECT_TRUE(query({{"q", std::string(kMaxQueryText, 'x')}}));
}

TEST(StatusRows, NamesAreDataNeverMarkupAndBadBytesAreReplaced) {
  PlanEntry e = entry(1, RecordState::kBlockedForward);
  e.from = "<script>alert(1)</script>.example.com.";
  e.reason = std::string("bad \xff byte and a ") + std::string(2000, 'r');
  auto rows = statusRows({e}, {});
  Json row = Json::parse(rowJson(rows[0]));
  EXPECT_EQ(row["ptr"], "<script>alert(1)</script>.example.com.");  // JSON keeps it as text
  // Clipped in input bytes; U+FFFD then takes three bytes for the one bad byte.
  EXPECT_LE(row["reason"].get<std::string>().size(), kMaxFieldBytes + 2);
  EXPECT_THAT(row["reason"].get<std::string>(), HasSubstr("\xEF\xBF\xBD"));  // U+FFFD
  EXPECT_TRUE(row["since"].is_null());
}

TEST(StatusPage, ScriptSafeJsonCannotCloseItsBlockAndParsesToTheSameValue) {
  Json v = {{"ptr", "</script><script>alert(1)</script><!--"}, {"a&b", "x>y"}};
  const std::string safe = scriptSafeJson(v.dump());
  EXPECT_THAT(safe, Not(HasSubstr("<")));
  EXPECT_THAT(safe, Not(HasSubstr(">")));
  EXPECT_EQ(Json::parse(safe), v);
}

// The text between the first `open` and the next `close`.
std::string between(const std::string& text, const std::string& open, const std::string& close) {
  const size_t from = text.find(open);
  if (from == std::string::npos) return "(no " + open + ")";
  const size_t to = text.find(close, from + open.size());
  return text.substr(from + open.size(), to == std::string::npos ? 0 : to - from - open.size());
}

TEST(StatusPage, SelfContainedAndItsPolicyPinsItsOwnScriptAndStyle) {
  const std::string& html = statusPageHtml();
  EXPECT_THAT(html, Not(HasSubstr("http://")));
  EXPECT_THAT(html, Not(HasSubstr("https://")));
  EXPECT_THAT(html, Not(HasSubstr("innerHTML")));
  EXPECT_THAT(html, Not(HasSubstr("@SCRIPT@")));
  EXPECT_EQ(cspHashSource("abc"), "'sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0='");
  // The one inline script and the one style block are what the policy allows.
  const std::string& csp = statusPageCsp();
  EXPECT_THAT(csp, HasSubstr("default-src 'none'"));
  EXPECT_THAT(
      csp, HasSubstr("script-src " + cspHashSource(between(html, "<script>", "</script>")) + ";"));
  EXPECT_THAT(csp, HasSubstr("connect-src 'self'"));
  EXPECT_THAT(csp,
              HasSubstr("style-src " + cspHashSource(between(html, "<style>", "</style>")) + ";"));
}

TEST(StatusPage, EmbeddedDataCannotBreakOutNorBeTakenForATemplateMarker) {
  const std::string html = embeddedPageHtml(
      R"({"summary": {"kind": "Plan"}, "rows": [{"ptr": "</script><script>alert(1)</script> @SCRIPT@"}]})");
  EXPECT_EQ(html.find("<script>alert(1)"), std::string::npos);
  // Exactly one executable script block, the page's own, after the data block.
  const size_t data = html.find("<script type=\"application/json\" id=\"ptrd-data\">");
  ASSERT_NE(data, std::string::npos);
  const size_t own = html.find("<script>");
  EXPECT_GT(own, data);
  EXPECT_EQ(html.find("<script>", own + 1), std::string::npos);
  EXPECT_THAT(html, HasSubstr("http-equiv=\"Content-Security-Policy\""));
  EXPECT_THAT(html, Not(HasSubstr("connect-src")));  // a file fetches nothing
}

// 1,000,000 declared, 10,000 drifting, every name as long as DNS allows and
// every reason long: the first load and each page of rows stay small.
class LargeState : public ::testing::Test {
 protected:
  static constexpr uint32_t kDrifting = 10'000;
  void SetUp() override {
    PassStatus s;
    s.result = "success";
    s.finishedUnix = 1'700'000'000;
    s.planned = true;
    s.provider = "powerdns";
    s.summary[RecordState::kInSync] = 1'000'000 - kDrifting;
    const RecordState drift[] = {RecordState::kSet, RecordState::kBlockedForward,
                                 RecordState::kNotOwned, RecordState::kLookupError};
    for (uint32_t i = 0; i < kDrifting; ++i) {
      PlanEntry e = entry(i, drift[i % 4]);
      e.to = longName(i);
      e.from = longName(i + 1);
      e.reason =
          e.to + " resolves to 192.0.2.1 (A), not " + v4(i).str() + " " + std::string(300, 'x');
      e.forward = {*IpAddress::parse("192.0.2.1")};
      s.notInSync.push_back(e);
      ++s.summary[e.state];
    }
    board_.publish(s);
  }
  std::string page(const std::string& params) {
    std::map<std::string, std::string> p;
    // key=value&key=value (no std::regex: g++ 12 warns inside it under ASan)
    std::string_view rest = params;
    while (!rest.empty()) {
      const size_t amp = rest.find('&');
      const std::string_view pair = rest.substr(0, amp);
      if (const size_t eq = pair.find('='); eq != std::string_view::npos)
        p[std::string(pair.substr(0, eq))] = std::string(pair.substr(eq + 1));
      rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    }
    auto q = query(p);
    EXPECT_TRUE(q);
    return renderRowsPage(*board_.page().view()->rows, *q);
  }
  StatusBoard board_{std::chrono::minutes(5)};
};

TEST_F(LargeState, FirstLoadIsUnderOneMegabyte) {
  const std::string summary = board_.page().summaryJson("ptrd.yaml");
  EXPECT_EQ(Json::parse(summary)["summary"]["in_sync"], 990'000);
  EXPECT_EQ(Json::parse(summary)["not_in_sync"], kDrifting);
  const size_t first = statusPageHtml().size() + summary.size() + page("").size();
  EXPECT_LT(first, 1'000'000u);
  RecordProperty("first_load_bytes", std::to_string(first));
}

TEST_F(LargeState, EveryPageOfRowsIsUnder100KBAndTheWalkCoversEachRowOnce) {
  std::set<std::string> seen;
  size_t pages = 0, largest = 0;
  Json next = 0;
  while (!next.is_null()) {
    const std::string body = page("limit=200&offset=" + std::to_string(next.get<size_t>()));
    largest = std::max(largest, body.size());
    EXPECT_LT(body.size(), 100u * 1024u);
    Json j = Json::parse(body);
    EXPECT_EQ(j["total"], kDrifting);
    ASSERT_FALSE(j["rows"].empty());
    for (const auto& r : j["rows"]) EXPECT_TRUE(seen.insert(r["ip"].get<std::string>()).second);
    next = j["next"];
    ASSERT_LT(++pages, 1000u);
  }
  EXPECT_EQ(seen.size(), kDrifting);
  RecordProperty("largest_page_bytes", std::to_string(largest));
}

TEST_F(LargeState, FilteringNarrowsWithinTheBound) {
  Json j = Json::parse(page("state=not_owned&limit=200"));
  EXPECT_EQ(j["total"], kDrifting / 4);
  for (const auto& r : j["rows"]) EXPECT_EQ(r["state"], "not_owned");
  j = Json::parse(page("q=" + v4(4242).str()));
  EXPECT_EQ(j["total"], 1);
}

TEST(StatusPageState, AFailedPassWithoutAPlanKeepsTheLastPictureAndItsError) {
  StatusBoard board(std::chrono::minutes(5));
  PassStatus ok;
  ok.result = "success";
  ok.planned = true;
  ok.finishedUnix = 100;
  ok.summary[RecordState::kSet] = 1;
  ok.notInSync = {entry(1, RecordState::kSet)};
  ok.capHeld = "5 changes of 10 managed IPs is over maxChangePercent 20";
  board.publish(ok);
  EXPECT_EQ(Json::parse(board.page().summaryJson("c.yaml"))["cap"], ok.capHeld);
  PassStatus failed;
  failed.result = "error";
  failed.error = "provider: HTTP 503 from http://user:secret@127.0.0.1:8081/api";
  failed.finishedUnix = 200;
  board.publish(failed);
  Json s = Json::parse(board.page().summaryJson("c.yaml"));
  EXPECT_EQ(s["result"], "error");
  EXPECT_EQ(s["summary"]["set"], 1);  // as ptrd_records, which only a plan updates
  EXPECT_EQ(s["not_in_sync"], 1);
  EXPECT_THAT(s["provider"]["last_error"].get<std::string>(), Not(HasSubstr("secret")));
  PassStatus again = ok;
  again.finishedUnix = 300;
  board.publish(again);
  s = Json::parse(board.page().summaryJson("c.yaml"));
  EXPECT_EQ(s["provider"]["last_error_at"], 200);  // kept across a good pass
  Json rows = Json::parse(renderRowsPage(*board.page().view()->rows, RowQuery{}));
  EXPECT_EQ(rows["rows"][0]["since"], 100);
}

}  // namespace
}  // namespace ptrd::testing
