// The streamed `ptrd check` report prints what the one-shot rendering printed
// before it streamed: the JSON document byte for byte in any chunking, the text
// table byte for byte when the rows come in one chunk.
#include "cmd/check_report.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

namespace ptrd::cmd {
namespace {

IpAddress ip(const char* text) {
  return *IpAddress::parse(text);
}

CheckRow row(const char* address, std::vector<std::string> ptr, std::vector<const char*> forward,
             fcrdns::Verdict verdict, std::string detail, std::string declared = "") {
  CheckRow r;
  r.observation.ip = ip(address);
  r.observation.ptr = std::move(ptr);
  for (const char* f : forward) r.observation.forward.push_back(ip(f));
  r.observation.verdict = verdict;
  r.observation.detail = std::move(detail);
  r.declared = std::move(declared);
  return r;
}

std::vector<CheckRow> sampleRows() {
  using fcrdns::Verdict;
  return {
      row("192.0.2.10", {"mail.example.com."}, {"192.0.2.10"}, Verdict::kConfirmed,
          "mail.example.com. resolves back to 192.0.2.10", "mail.example.com."),
      row("192.0.2.11", {"other.example.com."}, {"192.0.2.11"}, Verdict::kConfirmed,
          "other.example.com. resolves back to 192.0.2.11", "web.example.com."),
      row("192.0.2.12", {}, {}, Verdict::kNoPtr, "no PTR record (NXDOMAIN)"),
      row("2001:db8::25", {"a.example.com.", "b.example.com.", "c.example.com."},
          {"2001:db8::25", "2001:db8::26"}, Verdict::kMultiplePtr, "3 PTR names; \"quoted\""),
      row("198.51.100.7", {"bad\xff.example.com."}, {}, Verdict::kLookupError,
          "A lookup failed (timeout): \xfe\tno answer", "x.example.net."),
      row("203.0.113.200", {"a-very-long-name-that-is-wider-than-the-rest.example.org."},
          {"203.0.113.9"}, Verdict::kForwardMismatch, "resolves elsewhere"),
  };
}

// What `ptrd check` printed before output was streamed (one document, one table).
std::string referenceJson(const std::vector<CheckRow>& rows) {
  nlohmann::ordered_json results = nlohmann::ordered_json::array();
  nlohmann::ordered_json summary = nlohmann::ordered_json::object();
  for (auto v : fcrdns::kAllVerdicts) summary[fcrdns::verdictName(v)] = 0;
  for (const auto& r : rows) {
    const auto& o = r.observation;
    nlohmann::ordered_json j;
    j["ip"] = o.ip.str();
    j["ptr"] = o.ptr;
    std::vector<std::string> forward;
    for (const auto& a : o.forward) forward.push_back(a.str());
    j["forward"] = forward;
    j["verdict"] = fcrdns::verdictName(o.verdict);
    j["detail"] = o.detail;
    if (!r.declared.empty()) {
      j["declared"] = r.declared;
      j["ptr_matches_declared"] = r.matchesDeclared();
    }
    results.push_back(std::move(j));
    summary[fcrdns::verdictName(o.verdict)] =
        summary[fcrdns::verdictName(o.verdict)].get<int>() + 1;
  }
  nlohmann::ordered_json doc;
  doc["results"] = std::move(results);
  doc["summary"] = std::move(summary);
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string referenceText(const std::vector<CheckRow>& rows) {
  auto joinShort = [](const std::vector<std::string>& items) {
    if (items.empty()) return std::string("-");
    std::string out;
    for (size_t i = 0; i < items.size() && i < 2; ++i) out += (i ? "," : "") + items[i];
    if (items.size() > 2) out += fmt::format(" (+{} more)", items.size() - 2);
    return out;
  };
  bool any_declared =
      std::any_of(rows.begin(), rows.end(), [](const CheckRow& r) { return !r.declared.empty(); });
  std::vector<std::vector<std::string>> table;
  table.push_back({"IP", "PTR", "FORWARD", "VERDICT"});
  if (any_declared) table.front().push_back("DECLARED");
  std::map<fcrdns::Verdict, size_t> counts;
  size_t differs = 0;
  for (const auto& r : rows) {
    const auto& o = r.observation;
    std::vector<std::string> forward;
    for (const auto& a : o.forward) forward.push_back(a.str());
    std::vector<std::string> cells = {o.ip.str(), joinShort(o.ptr), joinShort(forward),
                                      fcrdns::verdictName(o.verdict)};
    if (any_declared)
      cells.push_back(r.declared.empty()    ? "-"
                      : r.matchesDeclared() ? "ok " + r.declared
                                            : "DIFFERS " + r.declared);
    table.push_back(std::move(cells));
    ++counts[o.verdict];
    if (!r.declared.empty() && !r.matchesDeclared()) ++differs;
  }
  std::vector<size_t> width(table.front().size(), 0);
  for (const auto& row : table)
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  std::string out;
  for (const auto& row : table) {
    for (size_t i = 0; i < row.size(); ++i) {
      out += row[i];
      if (i + 1 < row.size()) out += std::string(width[i] - row[i].size() + 2, ' ');
    }
    out += "\n";
  }
  bool header = false;
  for (const auto& r : rows) {
    if (r.observation.verdict == fcrdns::Verdict::kConfirmed) continue;
    if (!header) out += "\n";
    header = true;
    out += fmt::format("{}: {}: {}\n", r.observation.ip.str(),
                       fcrdns::verdictName(r.observation.verdict), r.observation.detail);
  }
  std::vector<std::string> parts;
  for (auto v : fcrdns::kAllVerdicts)
    if (counts[v] > 0) parts.push_back(fmt::format("{} {}", counts[v], fcrdns::verdictName(v)));
  out += fmt::format("\n{} checked: {}", rows.size(),
                     parts.empty() ? "nothing" : fmt::format("{}", fmt::join(parts, ", ")));
  if (differs > 0) out += fmt::format("; {} with a PTR other than declared", differs);
  return out + "\n";
}

std::string streamed(CheckReport::Format format, const std::vector<CheckRow>& rows, size_t chunk) {
  bool anyDeclared =
      std::any_of(rows.begin(), rows.end(), [](const CheckRow& r) { return !r.declared.empty(); });
  CheckReport report(format, anyDeclared);
  std::string out;
  for (size_t start = 0; start < rows.size(); start += chunk) {
    std::vector<CheckRow> part(rows.begin() + long(start),
                               rows.begin() + long(std::min(rows.size(), start + chunk)));
    out += report.add(part);
  }
  return out + report.finish();
}

TEST(CheckReport, JsonIsTheOneShotDocumentWhateverTheChunking) {
  auto rows = sampleRows();
  const std::string want = referenceJson(rows);
  for (size_t chunk : {size_t(1), size_t(2), size_t(4), rows.size()})
    EXPECT_EQ(streamed(CheckReport::Format::kJson, rows, chunk), want) << "chunk " << chunk;
  EXPECT_TRUE(nlohmann::json::accept(want));
}

TEST(CheckReport, JsonEscapesAsTheOneShotDocument) {
  // What the direct row writer hands to nlohmann: valid UTF-8, DEL, control
  // bytes, a backslash, a slash, a quote in a name.
  auto rows = sampleRows();
  rows.push_back(row("203.0.113.201", {"caf\xc3\xa9.example.org.", "q\"uote.example.org."}, {},
                     fcrdns::Verdict::kNoPtr, "del \x7f ctl \x01\x1f back\\slash a/b",
                     "caf\xc3\xa9.example.org."));
  for (size_t chunk : {size_t(1), size_t(3), rows.size()})
    EXPECT_EQ(streamed(CheckReport::Format::kJson, rows, chunk), referenceJson(rows)) << chunk;
}

TEST(CheckReport, JsonOfNothingIsTheOneShotDocument) {
  EXPECT_EQ(streamed(CheckReport::Format::kJson, {}, 4), referenceJson({}));
}

TEST(CheckReport, JsonWithAnEmptyChunkFirstOpensTheDocumentOnce) {
  auto rows = sampleRows();
  CheckReport report(CheckReport::Format::kJson, true);
  std::string out = report.add({});
  out += report.add(rows);
  out += report.finish();
  EXPECT_EQ(out, referenceJson(rows));
}

TEST(CheckReport, JsonEscapesEveryByteAtEveryPlaceInAWordAsTheOneShotDocument) {
  // The writer tests eight bytes at a time for what needs escaping: each byte
  // value at each offset of a word, and in the tail after the last whole word.
  std::vector<CheckRow> rows;
  for (int byte = 0; byte < 256; ++byte)
    for (size_t at = 0; at < 11; ++at) {
      std::string detail(11, 'x');
      detail[at] = char(byte);
      rows.push_back(row("192.0.2.1", {}, {}, fcrdns::Verdict::kNoPtr, detail));
    }
  EXPECT_EQ(streamed(CheckReport::Format::kJson, rows, 512), referenceJson(rows));
}

TEST(CheckReport, AddAppendsToTheCallersBufferWhatItWouldReturn) {
  auto rows = sampleRows();
  for (auto format : {CheckReport::Format::kJson, CheckReport::Format::kText}) {
    CheckReport returned(format, true);
    CheckReport appended(format, true);
    std::string want = returned.add({rows[0], rows[1]});
    want += returned.add({rows[2], rows[3], rows[4]});
    std::string buffer = "kept";
    appended.add({rows[0], rows[1]}, buffer);
    appended.add({rows[2], rows[3], rows[4]}, buffer);
    EXPECT_EQ(buffer, "kept" + want);
    EXPECT_EQ(appended.finish(), returned.finish());
  }
}

TEST(CheckReport, TextInOneChunkAlignsColumnsOnTheWidestCell) {
  auto rows = sampleRows();
  std::string text = streamed(CheckReport::Format::kText, rows, rows.size());
  EXPECT_EQ(text, referenceText(rows));
  // The header's columns start where the widest cell of each column ends + 2.
  const std::string longPtr = "a-very-long-name-that-is-wider-than-the-rest.example.org.";
  auto header = text.substr(0, text.find('\n'));
  EXPECT_EQ(header.find("PTR"), std::string("203.0.113.200").size() + 2);
  EXPECT_EQ(header.find("FORWARD"), header.find("PTR") + longPtr.size() + 2);
  EXPECT_NE(text.find("ok mail.example.com."), std::string::npos) << text;
  EXPECT_NE(text.find("DIFFERS web.example.com."), std::string::npos) << text;
  EXPECT_NE(text.find("a.example.com.,b.example.com. (+1 more)"), std::string::npos) << text;
  // Problem rows explained below the table, then the summary.
  EXPECT_NE(text.find("\n192.0.2.12: no_ptr: no PTR record (NXDOMAIN)\n"), std::string::npos);
  EXPECT_NE(text.find("\n6 checked: 2 confirmed, 1 no_ptr, 1 forward_mismatch, 1 multiple_ptr, "
                      "1 lookup_error; 2 with a PTR other than declared\n"),
            std::string::npos)
      << text;
}

TEST(CheckReport, TextInChunksKeepsTheFirstChunksWidthsAndTwoSpacesAtLeast) {
  auto rows = sampleRows();
  std::string whole = streamed(CheckReport::Format::kText, rows, rows.size());
  std::string chunked = streamed(CheckReport::Format::kText, rows, 2);
  // Same rows, same problems, same summary; only padding may differ.
  auto squeeze = [](std::string s) {
    std::string out;
    for (char c : s)
      if (c != ' ' || out.empty() || out.back() != ' ') out += c;
    return out;
  };
  EXPECT_EQ(squeeze(chunked), squeeze(whole));
  // The long PTR arrives after the first chunk: it overflows its column by
  // itself, two spaces before FORWARD.
  EXPECT_NE(chunked.find("rest.example.org.  203.0.113.9"), std::string::npos) << chunked;
}

TEST(CheckReport, TextOfNothingHasTheHeaderAndSaysNothing) {
  std::string text = streamed(CheckReport::Format::kText, {}, 4);
  EXPECT_EQ(text, referenceText({}));
  EXPECT_EQ(text, "IP  PTR  FORWARD  VERDICT\n\n0 checked: nothing\n");
}

TEST(CheckReport, AllGoodOnlyWhenEveryRowIsConfirmedAsDeclared) {
  auto rows = sampleRows();
  CheckReport good(CheckReport::Format::kJson, true);
  (void)good.add({rows[0]});
  EXPECT_TRUE(good.allGood());
  (void)good.add({rows[1]});  // confirmed, but not the declared name
  EXPECT_FALSE(good.allGood());
  CheckReport undeclared(CheckReport::Format::kText, false);
  (void)undeclared.add({rows[2]});
  EXPECT_FALSE(undeclared.allGood());
}

}  // namespace
}  // namespace ptrd::cmd
