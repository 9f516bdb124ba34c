#include "reconciler/source/bulk_mappings.h"

#include <fmt/format.h>

#include <algorithm>

#include "reconciler/source/bulk_line.h"
#include "core/hostname.h"

namespace ptrd {
namespace {

// "ip,hostname", "IP,PTR", or "ip" alone in an address list.
bool isCsvHeader(const BulkLine& b) {
  auto lower = [](std::string_view s) {
    std::string out(s);
    for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
    return out;
  };
  const std::string host = lower(b.hostname);
  return lower(b.ip) == "ip" && (host.empty() || host == "hostname" || host == "ptr");
}

}  // namespace

void walkBulkText(std::string_view text, const BulkOrigin& origin, bool allowIpOnly,
                  const std::function<bool(const BulkEntry&)>& visit) {
  uint32_t index = 0;
  bool first_entry = true;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    BulkEntry e;
    e.line = origin.firstLine + index++;
    e.fields = parseBulkLine(line, allowIpOnly);
    if (e.fields.kind == BulkLine::Kind::kBlank) continue;
    e.indent = origin.indentOf ? origin.indentOf(e.line) : 0;
    if (e.fields.kind == BulkLine::Kind::kEntry) {
      const bool header = first_entry && origin.csvHeaderAllowed && isCsvHeader(e.fields);
      first_entry = false;
      if (header) continue;
    }
    if (!visit(e)) return;
  }
}

void addBulkMappings(std::string_view text, const BulkOrigin& origin, uint32_t source,
                     DesiredStateBuilder& builder) {
  if (builder.budgetHit() != DesiredStateBuilder::Bound::kNone) return;
  // One record a line at most; the shortest line that makes one ("::1 a.b") is 7
  // bytes and its newline, so blank lines cannot make the reservation large.
  const auto lines = uint64_t(std::count(text.begin(), text.end(), '\n')) + 1;
  builder.reserveFor(std::min<uint64_t>(lines, text.size() / 8 + 1));
  walkBulkText(text, origin, /*allowIpOnly=*/false, [&](const BulkEntry& e) {
    const BulkLine& b = e.fields;
    auto at = [&](uint32_t col) { return SourceLocation{origin.file, e.line, e.indent + col}; };
    if (b.kind == BulkLine::Kind::kError) {
      builder.addInvalid(source, std::nullopt, at(b.errorColumn), std::string(b.error));
    } else if (auto ip = IpAddress::parse(b.ip); !ip) {
      builder.addInvalid(source, std::nullopt, at(b.ipColumn),
                         fmt::format("invalid IP address \"{}\": {}", b.ip, ip.error().message));
    } else if (auto host = normaliseHostname(b.hostname); !host) {
      builder.addInvalid(source, *ip, at(b.hostnameColumn), host.error().message);
    } else {
      builder.add(DesiredRecord{*ip, std::move(*host), false, DeclarationKind::kBulk, source,
                                e.line, e.indent + b.ipColumn});
    }
    // A bound is reported already when hit.
    return builder.budgetHit() == DesiredStateBuilder::Bound::kNone;
  });
}

}  // namespace ptrd
