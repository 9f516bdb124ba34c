// How `ptrd check` shows its findings: a table for people, JSON for scripts,
// written chunk by chunk as the addresses are observed (a fleet of a million
// addresses never sits in memory as rows or as a document).
//
// JSON (stable key order, results in input order):
//   {"results":[{"ip":"192.0.2.10","ptr":["mail.example.com."],"forward":["192.0.2.10"],
//                "verdict":"confirmed","detail":"...",
//                "declared":"mail.example.com.","ptr_matches_declared":true}],   <- only with a
//                declaration
//    "summary":{"confirmed":1,"no_ptr":0,"forward_mismatch":0,"forward_missing":0,
//               "multiple_ptr":0,"lookup_error":0}}
// The document is byte for byte what one nlohmann dump(2) of it would print.
//
// Text: the table's column widths come from the first chunk (so a list of up to
// one chunk prints exactly as one table); a later cell that is wider keeps two
// spaces before the next column. The reasons for every problem row follow the
// table, then the summary line.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "cmd/check_targets.h"
#include "reconciler/dns/fcrdns.h"

namespace ptrd::cmd {

struct CheckRow {
  fcrdns::Observation observation;
  std::string declared;  // canonical, or empty
  // True when a name is declared and the live PTR RRset is exactly that name.
  bool matchesDeclared() const;
};

class CheckReport {
 public:
  enum class Format { kText, kJson };
  // anyDeclared: some target has a declared name (the text table then has a
  // DECLARED column); known from the targets before anything is observed.
  CheckReport(Format format, bool anyDeclared);

  // The output for the next rows, in input order.
  std::string add(const std::vector<CheckRow>& rows);
  // The same, appended to `out` (a buffer the caller reuses chunk after chunk).
  void add(const std::vector<CheckRow>& rows, std::string& out);
  // What follows the last row; call once.
  std::string finish();

  // Every row so far is confirmed and matches its declaration (if any).
  bool allGood() const { return allGood_; }

 private:
  size_t columns() const;
  // Cell `column` of a row, or of the header when `row` is null.
  void appendCell(std::string& out, const CheckRow* row, size_t column) const;
  void appendLine(std::string& out, const CheckRow* row) const;
  void textRows(const std::vector<CheckRow>& rows, std::string& out);
  void jsonRows(const std::vector<CheckRow>& rows, std::string& out);
  std::string summaryLine() const;

  Format format_;
  bool anyDeclared_;
  bool started_ = false;  // text: header written; JSON: a result written
  bool opened_ = false;   // JSON: the document's opening written
  std::vector<size_t> width_;
  std::string problems_;  // text: "IP: verdict: detail" lines for after the table
  std::array<size_t, fcrdns::kAllVerdicts.size()> counts_{};
  size_t rows_ = 0;
  size_t differs_ = 0;
  bool allGood_ = true;
};

}  // namespace ptrd::cmd
