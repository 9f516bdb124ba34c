#include "reconciler/bulk_mappings.h"

#include <fmt/format.h>

#include "reconciler/bulk_line.h"
#include "core/hostname.h"

namespace ptrd {
namespace {

bool isCsvHeader(const BulkLine& b) {
  auto lower = [](std::string_view s) {
    std::string out(s);
    for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
    return out;
  };
  return lower(b.ip) == "ip" && (lower(b.hostname) == "hostname" || lower(b.hostname) == "ptr");
}

}  // namespace

void addBulkMappings(std::string_view text, const BulkOrigin& origin, uint32_t source,
                     DesiredStateBuilder& builder) {
  uint32_t index = 0;
  bool first_entry = true;
  size_t pos = 0;
  while (pos < text.size()) {
    if (builder.budgetHit() != DesiredStateBuilder::Bound::kNone) return;  // a bound is reported already
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    uint32_t file_line = origin.firstLine + index++;
    BulkLine b = parseBulkLine(line);
    if (b.kind == BulkLine::Kind::kBlank) continue;
    uint32_t indent = origin.indentOf ? origin.indentOf(file_line) : 0;
    auto at = [&](uint32_t col) { return SourceLocation{origin.file, file_line, indent + col}; };
    if (b.kind == BulkLine::Kind::kError) {
      builder.addInvalid(source, std::nullopt, at(b.errorColumn), std::string(b.error));
      continue;
    }
    if (first_entry && origin.csvHeaderAllowed && isCsvHeader(b)) {
      first_entry = false;
      continue;
    }
    first_entry = false;
    auto ip = IpAddress::parse(b.ip);
    if (!ip) {
      builder.addInvalid(source, std::nullopt, at(b.ipColumn),
                         fmt::format("invalid IP address \"{}\": {}", b.ip, ip.error().message));
      continue;
    }
    auto host = normaliseHostname(b.hostname);
    if (!host) {
      builder.addInvalid(source, *ip, at(b.hostnameColumn), host.error().message);
      continue;
    }
    builder.add(DesiredRecord{*ip, std::move(*host), false, DeclarationKind::kBulk, source, file_line,
                              indent + b.ipColumn});
  }
}

}  // namespace ptrd
