#include "core/range_template.h"

#include <fmt/format.h>

#include "core/hostname.h"

namespace ptrd {
namespace {

bool knownPlaceholder(std::string_view p, IpAddress::Family family) {
  if (p == "dashed") return true;
  if (family == IpAddress::Family::kV4) return p == "a" || p == "b" || p == "c" || p == "d";
  return p == "hex";
}

void appendPlaceholder(std::string& out, std::string_view p, const IpAddress& ip) {
  const auto& b = ip.bytes();
  static constexpr char kHex[] = "0123456789abcdef";
  if (ip.isV4()) {
    if (p == "dashed") {
      fmt::format_to(std::back_inserter(out), "{}-{}-{}-{}", b[0], b[1], b[2], b[3]);
      return;
    }
    fmt::format_to(std::back_inserter(out), "{}", b[size_t(p[0] - 'a')]);
    return;
  }
  for (size_t i = 0; i < 16; ++i) {
    if (p == "dashed" && i > 0 && i % 2 == 0) out += '-';
    out += kHex[b[i] >> 4];
    out += kHex[b[i] & 0xf];
  }
}

}  // namespace

Status checkRangeTemplate(std::string_view tmpl, IpAddress::Family family) {
  size_t pos = 0;
  while ((pos = tmpl.find('{', pos)) != std::string_view::npos) {
    size_t close = tmpl.find('}', pos);
    if (close == std::string_view::npos)
      return Error::permanent(fmt::format("template \"{}\" has an unclosed '{{'", tmpl));
    std::string_view name = tmpl.substr(pos + 1, close - pos - 1);
    if (!knownPlaceholder(name, family)) {
      return Error::permanent(fmt::format(
          "unknown placeholder {{{}}} in template \"{}\" (IPv{} ranges know {})", name, tmpl,
          family == IpAddress::Family::kV4 ? 4 : 6,
          family == IpAddress::Family::kV4 ? "{dashed} {a} {b} {c} {d}" : "{dashed} {hex}"));
    }
    pos = close + 1;
  }
  return okStatus();
}

std::string renderRangeTemplate(std::string_view tmpl, const IpAddress& ip) {
  std::string out;
  out.reserve(tmpl.size() + 32);
  size_t pos = 0;
  while (pos < tmpl.size()) {
    size_t open = tmpl.find('{', pos);
    if (open == std::string_view::npos) break;
    size_t close = tmpl.find('}', open);
    out.append(tmpl.substr(pos, open - pos));
    appendPlaceholder(out, tmpl.substr(open + 1, close - open - 1), ip);
    pos = close + 1;
  }
  out.append(tmpl.substr(pos));
  return out;
}

Status checkTemplate(std::string_view tmpl) {
  auto v4 = checkRangeTemplate(tmpl, IpAddress::Family::kV4);
  if (v4 || checkRangeTemplate(tmpl, IpAddress::Family::kV6)) return okStatus();
  return v4;
}

Result<std::string> renderNameTemplate(std::string_view tmpl, const IpAddress& ip) {
  if (auto s = checkRangeTemplate(tmpl, ip.family()); !s) return s.error();
  return canonicalDnsName(renderRangeTemplate(tmpl, ip));
}

}  // namespace ptrd
