#include "cmd/check_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <string_view>
#include <nlohmann/json.hpp>

namespace ptrd::cmd {
namespace {

constexpr size_t kNamesShown = 2;  // text table: more PTR names collapse to "+N more"

// A PTR or FORWARD cell: "-", or the first kNamesShown items then " (+N more)".
template <typename T, typename Text>
void appendShort(std::string& out, const std::vector<T>& items, Text text) {
  if (items.empty()) {
    out += '-';
    return;
  }
  for (size_t i = 0; i < items.size() && i < kNamesShown; ++i) {
    if (i) out += ',';
    out += text(items[i]);
  }
  if (items.size() > kNamesShown)
    fmt::format_to(std::back_inserter(out), " (+{} more)", items.size() - kNamesShown);
}

std::string dumpJson(const nlohmann::ordered_json& j) {
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

// A value dumped on its own, re-indented to sit `depth` spaces deep in the
// document: every line but the first gains the indent (JSON strings never hold
// a raw newline, so splitting on '\n' is safe).
void appendIndented(std::string& out, const std::string& dumped, size_t depth) {
  const std::string pad(depth, ' ');
  size_t start = 0;
  while (true) {
    size_t nl = dumped.find('\n', start);
    out.append(dumped, start, nl == std::string::npos ? std::string::npos : nl - start + 1);
    if (nl == std::string::npos) return;
    out += pad;
    start = nl + 1;
  }
}

// Printable ASCII other than '"' and '\\': the bytes dump() prints verbatim.
bool plainByte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x20 && u < 0x7f && c != '"' && c != '\\';
}

// plainByte for every byte, eight at a time (each test below is exact for "some
// byte of the word", which is all this needs): the detail and names of every
// JSON row pass through here.
bool plainText(std::string_view s) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  auto hasZero = [](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    const uint64_t below20 = (w - kOnes * 0x20) & ~w & kHigh;
    if (below20 | (w & kHigh) | hasZero(w ^ (kOnes * '"')) | hasZero(w ^ (kOnes * '\\')) |
        hasZero(w ^ (kOnes * 0x7f)))
      return false;
  }
  for (; i < s.size(); ++i)
    if (!plainByte(s[i])) return false;
  return true;
}

// A JSON string exactly as nlohmann's dump prints it: printable ASCII without
// quote or backslash verbatim (the rows' usual content, without building a
// json value), anything else through nlohmann itself.
void appendJsonString(std::string& out, std::string_view s) {
  if (!plainText(s)) {
    out += dumpJson(nlohmann::ordered_json(std::string(s)));
    return;
  }
  out += '"';
  out += s;
  out += '"';
}

// A row member of strings as dump(2) prints it inside a row 4 deep.
template <typename T, typename Text>
void appendJsonList(std::string& out, const std::vector<T>& items, Text text) {
  if (items.empty()) {
    out += "[]";
    return;
  }
  out += '[';
  for (size_t i = 0; i < items.size(); ++i) {
    out += i == 0 ? "\n        " : ",\n        ";
    appendJsonString(out, text(items[i]));
  }
  out += "\n      ]";
}

size_t verdictIndex(fcrdns::Verdict v) {
  return static_cast<size_t>(v);
}

}  // namespace

bool CheckRow::matchesDeclared() const {
  return !declared.empty() && observation.ptr.size() == 1 && observation.ptr.front() == declared;
}

CheckReport::CheckReport(Format format, bool anyDeclared)
    : format_(format), anyDeclared_(anyDeclared) {}

std::string CheckReport::add(const std::vector<CheckRow>& rows) {
  std::string out;
  add(rows, out);
  return out;
}

void CheckReport::add(const std::vector<CheckRow>& rows, std::string& out) {
  for (const auto& r : rows) {
    ++counts_[verdictIndex(r.observation.verdict)];
    if (!r.declared.empty() && !r.matchesDeclared()) ++differs_;
    if (r.observation.verdict != fcrdns::Verdict::kConfirmed ||
        (!r.declared.empty() && !r.matchesDeclared()))
      allGood_ = false;
  }
  rows_ += rows.size();
  if (format_ == Format::kJson)
    jsonRows(rows, out);
  else
    textRows(rows, out);
}

size_t CheckReport::columns() const {
  return anyDeclared_ ? 5 : 4;
}

void CheckReport::appendCell(std::string& out, const CheckRow* r, size_t column) const {
  static constexpr std::array<std::string_view, 5> kHeader = {"IP", "PTR", "FORWARD", "VERDICT",
                                                              "DECLARED"};
  if (r == nullptr) {
    out += kHeader[column];
    return;
  }
  const auto& o = r->observation;
  switch (column) {
    case 0:
      out += o.ip.str();
      return;
    case 1:
      appendShort(out, o.ptr, [](const std::string& n) -> const std::string& { return n; });
      return;
    case 2:
      appendShort(out, o.forward, [](const IpAddress& a) { return a.str(); });
      return;
    case 3:
      out += fcrdns::verdictName(o.verdict);
      return;
    default:
      if (r->declared.empty()) {
        out += '-';
        return;
      }
      out += r->matchesDeclared() ? "ok " : "DIFFERS ";
      out += r->declared;
  }
}

void CheckReport::appendLine(std::string& out, const CheckRow* r) const {
  for (size_t i = 0; i < columns(); ++i) {
    const size_t start = out.size();
    appendCell(out, r, i);
    const size_t size = out.size() - start;
    if (i + 1 < columns()) out.append(std::max(width_[i], size) - size + 2, ' ');
  }
  out += '\n';
}

void CheckReport::textRows(const std::vector<CheckRow>& rows, std::string& out) {
  if (!started_) {
    // The first chunk sets the column widths: every cell measured once before
    // the table's first line is written.
    started_ = true;
    width_.assign(columns(), 0);
    std::string cell;
    auto measure = [&](const CheckRow* r) {
      for (size_t i = 0; i < columns(); ++i) {
        cell.clear();
        appendCell(cell, r, i);
        width_[i] = std::max(width_[i], cell.size());
      }
    };
    measure(nullptr);
    for (const auto& r : rows) measure(&r);
    appendLine(out, nullptr);
  }
  for (const auto& r : rows) {
    appendLine(out, &r);
    // Why each problem row is not confirmed: one line each, below the table so
    // the table stays narrow.
    const auto& o = r.observation;
    if (o.verdict != fcrdns::Verdict::kConfirmed)
      fmt::format_to(std::back_inserter(problems_), "{}: {}: {}\n", o.ip.str(),
                     fcrdns::verdictName(o.verdict), o.detail);
  }
}

void CheckReport::jsonRows(const std::vector<CheckRow>& rows, std::string& out) {
  if (!opened_) out += "{\n  \"results\": [";
  opened_ = true;
  // Written directly, the way dump(2) of the row object re-indented 4 deep
  // prints it (a unit test compares them byte for byte): building a json value
  // per row cost more than the DNS work for it.
  for (const auto& r : rows) {
    const auto& o = r.observation;
    out += started_ ? ",\n    {\n      \"ip\": " : "\n    {\n      \"ip\": ";
    started_ = true;
    appendJsonString(out, o.ip.str());
    out += ",\n      \"ptr\": ";
    appendJsonList(out, o.ptr, [](const std::string& n) -> std::string_view { return n; });
    out += ",\n      \"forward\": ";
    appendJsonList(out, o.forward, [](const IpAddress& a) { return a.str(); });
    out += ",\n      \"verdict\": ";
    appendJsonString(out, fcrdns::verdictName(o.verdict));
    out += ",\n      \"detail\": ";
    appendJsonString(out, o.detail);
    if (!r.declared.empty()) {
      out += ",\n      \"declared\": ";
      appendJsonString(out, r.declared);
      out += r.matchesDeclared() ? ",\n      \"ptr_matches_declared\": true"
                                 : ",\n      \"ptr_matches_declared\": false";
    }
    out += "\n    }";
  }
}

std::string CheckReport::summaryLine() const {
  std::vector<std::string> parts;
  for (auto v : fcrdns::kAllVerdicts)
    if (counts_[verdictIndex(v)] > 0)
      parts.push_back(fmt::format("{} {}", counts_[verdictIndex(v)], fcrdns::verdictName(v)));
  std::string line =
      fmt::format("{} checked: {}", rows_,
                  parts.empty() ? "nothing" : fmt::format("{}", fmt::join(parts, ", ")));
  if (differs_ > 0) line += fmt::format("; {} with a PTR other than declared", differs_);
  return line;
}

std::string CheckReport::finish() {
  std::string out;
  if (format_ == Format::kJson) {
    if (!opened_) out += "{\n  \"results\": [";
    out += started_ ? "\n  ],\n  \"summary\": " : "],\n  \"summary\": ";
    nlohmann::ordered_json summary = nlohmann::ordered_json::object();
    for (auto v : fcrdns::kAllVerdicts) summary[fcrdns::verdictName(v)] = counts_[verdictIndex(v)];
    appendIndented(out, dumpJson(summary), 2);
    out += "\n}\n";
    return out;
  }
  if (!started_) textRows({}, out);
  if (!problems_.empty()) out += "\n" + problems_;
  out += "\n" + summaryLine() + "\n";
  return out;
}

}  // namespace ptrd::cmd
