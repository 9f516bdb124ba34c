// How `ptrd check` shows its findings: a table for people, JSON for scripts.
//
// JSON (stable key order, results in input order):
//   {"results":[{"ip":"192.0.2.10","ptr":["mail.example.com."],"forward":["192.0.2.10"],
//                "verdict":"confirmed","detail":"...",
//                "declared":"mail.example.com.","ptr_matches_declared":true}],   <- only with a
//                declaration
//    "summary":{"confirmed":1,"no_ptr":0,"forward_mismatch":0,"forward_missing":0,
//               "multiple_ptr":0,"lookup_error":0}}
#pragma once

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

// True when every row is confirmed and matches its declaration (if any).
bool allGood(const std::vector<CheckRow>& rows);

std::string renderText(const std::vector<CheckRow>& rows);
std::string renderJson(const std::vector<CheckRow>& rows);

}  // namespace ptrd::cmd
