#include "reconciler/source/bulk_line.h"

namespace ptrd {
namespace {

bool isSpace(char c) {
  return c == ' ' || c == '\t';
}
// A hostname or IP never contains these, so they end a token.
bool endsToken(char c) {
  return isSpace(c) || c == ',' || c == '#';
}

BulkLine error(std::string_view text, size_t pos) {
  BulkLine b;
  b.kind = BulkLine::Kind::kError;
  b.error = text;
  b.errorColumn = uint32_t(pos + 1);
  return b;
}

}  // namespace

BulkLine parseBulkLine(std::string_view line, bool allowIpOnly) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  size_t hash = line.find('#');
  if (hash != std::string_view::npos) line = line.substr(0, hash);
  size_t pos = 0;
  while (pos < line.size() && isSpace(line[pos])) ++pos;
  if (pos == line.size()) return BulkLine{};

  BulkLine b;
  b.kind = BulkLine::Kind::kEntry;
  size_t start = pos;
  while (pos < line.size() && !endsToken(line[pos])) ++pos;
  b.ip = line.substr(start, pos - start);
  b.ipColumn = uint32_t(start + 1);
  if (b.ip.empty()) return error("line starts with a comma; expected an IP address", start);

  int commas = 0;
  size_t sep_start = pos;
  while (pos < line.size() && (isSpace(line[pos]) || line[pos] == ',')) {
    if (line[pos] == ',' && ++commas > 1)
      return error("more than one comma between IP and hostname", pos);
    ++pos;
  }
  if (pos == line.size()) {
    if (allowIpOnly && commas == 0) return b;
    return error("line has an IP address but no hostname", sep_start);
  }
  start = pos;
  while (pos < line.size() && !endsToken(line[pos])) ++pos;
  b.hostname = line.substr(start, pos - start);
  b.hostnameColumn = uint32_t(start + 1);
  while (pos < line.size() && isSpace(line[pos])) ++pos;
  if (pos != line.size()) {
    return error(line[pos] == ',' ? "unexpected comma after the hostname"
                                  : "unexpected text after the hostname (one mapping a line)",
                 pos);
  }
  return b;
}

}  // namespace ptrd
