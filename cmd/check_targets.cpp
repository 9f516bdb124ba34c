#include "cmd/check_targets.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <unordered_set>

#include "core/diagnostic.h"
#include "core/hostname.h"
#include "reconciler/source/bulk_mappings.h"
#include "reconciler/source/mapping_loader.h"

namespace ptrd::cmd {
namespace {

bool endsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

Result<std::vector<CheckTarget>> targetsFromMappings(const std::vector<std::string>& paths,
                                                     const TargetSeen& seen) {
  LoadOptions options;
  options.onRecord = seen;
  DesiredState desired = loadMappings(paths, options);
  std::vector<std::string> errors;
  for (const auto& e : desired.fileErrors) errors.push_back(e.str());
  for (const auto& e : desired.invalid) errors.push_back(e.diagnostic.str());
  if (!errors.empty()) return Error::permanent(fmt::format("{}", fmt::join(errors, "\n")));
  std::vector<CheckTarget> out;
  out.reserve(desired.records.size());
  for (auto& r : desired.records)
    out.push_back(CheckTarget{r.ip, r.reset ? std::string() : std::move(r.hostname)});
  return out;
}

namespace {

// Bulk lines through the mapping loader's walk (reconciler/source/bulk_mappings.h), so
// comments, separators and the CSV header read as in a mapping file; a bare IP
// is a target with nothing declared.
Result<std::vector<CheckTarget>> fromBulkText(const std::string& path, std::string_view text,
                                              const TargetSeen& seen) {
  std::vector<CheckTarget> out;
  // One allocation instead of the vector's growth: at most one target a line,
  // and the shortest line that makes one ("::" and its newline) is 3 bytes, so
  // a file of blank lines cannot make the reservation large.
  const size_t lines = size_t(std::count(text.begin(), text.end(), '\n')) + 1;
  out.reserve(std::min(lines, text.size() / 3 + 1));
  std::vector<std::string> errors;
  BulkOrigin origin;
  origin.file = path;
  origin.csvHeaderAllowed = true;
  walkBulkText(text, origin, /*allowIpOnly=*/true, [&](const BulkEntry& e) {
    const BulkLine& b = e.fields;
    auto error = [&](uint32_t column, std::string reason) {
      errors.push_back(Diagnostic{{path, e.line, column}, std::move(reason)}.str());
      return true;
    };
    if (b.kind == BulkLine::Kind::kError) return error(b.errorColumn, std::string(b.error));
    auto ip = IpAddress::parse(b.ip);
    if (!ip)
      return error(b.ipColumn, fmt::format("invalid IP \"{}\": {}", b.ip, ip.error().message));
    CheckTarget t{*ip, ""};
    if (!b.hostname.empty()) {
      auto host = normaliseHostname(b.hostname);
      if (!host) return error(b.hostnameColumn, host.error().message);
      t.declared = std::move(*host);
    }
    if (seen) seen(t.ip);
    out.push_back(std::move(t));
    return true;
  });
  if (!errors.empty()) return Error::permanent(fmt::format("{}", fmt::join(errors, "\n")));
  return out;
}

}  // namespace

Result<std::vector<CheckTarget>> targetsFromArguments(const std::vector<std::string>& args) {
  std::vector<CheckTarget> out;
  for (const auto& a : args) {
    auto ip = IpAddress::parse(a);
    if (!ip)
      return Error::permanent(fmt::format("invalid IP address \"{}\": {}", a, ip.error().message));
    out.push_back(CheckTarget{*ip, ""});
  }
  return out;
}

Result<std::vector<CheckTarget>> targetsFromFile(const std::string& path, const TargetSeen& seen) {
  if (endsWith(path, ".yaml") || endsWith(path, ".yml")) return targetsFromMappings({path}, seen);
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return Error::permanent(fmt::format("{}: is a directory", path));
  // Read into one string reserved at the file's size: a stringstream and its
  // str() copied a million-line file twice more. Chunked reads, so a pipe
  // (-f /dev/stdin, which has no size) reads as before.
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::permanent(fmt::format("{}: cannot read file", path));
  std::string text;
  if (auto size = std::filesystem::file_size(path, ec); !ec) text.reserve(size_t(size));
  std::vector<char> buf(size_t(1) << 16);
  while (in.read(buf.data(), std::streamsize(buf.size())) || in.gcount() > 0)
    text.append(buf.data(), size_t(in.gcount()));
  if (in.bad()) return Error::permanent(fmt::format("{}: cannot read file", path));
  return fromBulkText(path, text, seen);
}

std::vector<CheckTarget> dedupeTargets(std::vector<CheckTarget> targets) {
  // A list in strictly ascending order (a fleet file written in address order)
  // has no repeats: one pass, no copy.
  if (std::adjacent_find(targets.begin(), targets.end(), [](const auto& a, const auto& b) {
        return !(a.ip < b.ip);
      }) == targets.end())
    return targets;
  // Mapping files are already free of repeats: find that out with a sorted copy
  // of the addresses (16 bytes each) before paying for a hash set.
  {
    std::vector<IpAddress> sorted;
    sorted.reserve(targets.size());
    for (const auto& t : targets) sorted.push_back(t.ip);
    std::sort(sorted.begin(), sorted.end());
    if (std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end()) return targets;
  }
  std::unordered_set<IpAddress> seen;
  std::vector<CheckTarget> out;
  out.reserve(targets.size());
  for (auto& t : targets)
    if (seen.insert(t.ip).second) out.push_back(std::move(t));
  return out;
}

}  // namespace ptrd::cmd
