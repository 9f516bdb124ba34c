#include "reconciler/source/mapping_document.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <tuple>

#include "reconciler/source/bulk_mappings.h"
#include "core/hostname.h"
#include "core/range_template.h"
#include "core/yaml_util.h"

namespace ptrd {
namespace {

constexpr std::string_view kApiVersion = "ptrd.io/v1alpha1";

class MappingFileReader {
 public:
  MappingFileReader(const std::string& file, std::string_view text, const LoadOptions& options,
                    DesiredStateBuilder& builder)
      : yaml_(file), text_(text), options_(options), builder_(builder) {
    line_starts_.push_back(0);
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') line_starts_.push_back(i + 1);
    }
  }

  void read() {
    size_t checkpoint = builder_.checkpoint();
    std::vector<YAML::Node> docs;
    try {
      docs = loadAllYamlDocuments(std::string(text_));
    } catch (const YAML::ParserException& e) {
      builder_.addFileError(
          SourceLocation{yaml_.file(), uint32_t(e.mark.line + 1), uint32_t(e.mark.column + 1)},
          fmt::format("YAML syntax error: {}", e.msg));
      return;
    }
    for (const auto& doc : docs) {
      if (builder_.budgetHit() != DesiredStateBuilder::Bound::kNone) break;
      readDocument(doc);
    }
    // A bound hit (an error the builder added) fails the whole file, like a
    // structural error: never part of it.
    if (builder_.budgetHit() != DesiredStateBuilder::Bound::kNone) {
      builder_.rollback(checkpoint);
      return;
    }
    if (!structural_.empty()) {
      builder_.rollback(checkpoint);
      std::stable_sort(
          structural_.begin(), structural_.end(), [](const Diagnostic& a, const Diagnostic& b) {
            return std::tie(a.where.line, a.where.column) < std::tie(b.where.line, b.where.column);
          });
      for (auto& d : structural_) builder_.addFileError(std::move(d.where), std::move(d.reason));
    }
  }

 private:
  std::string_view rawLine(uint32_t line_1based) const {
    if (line_1based == 0 || line_1based > line_starts_.size()) return {};
    size_t start = line_starts_[line_1based - 1];
    size_t end = line_1based < line_starts_.size() ? line_starts_[line_1based] - 1 : text_.size();
    return text_.substr(start, end - start);
  }

  void readDocument(const YAML::Node& doc) {
    if (doc.IsNull()) return;  // an empty document (e.g. a trailing ---)
    if (!doc.IsMap()) {
      structural_.push_back(yaml_.error(
          doc, "a mapping document must be a YAML mapping with apiVersion, kind, metadata, spec"));
      return;
    }
    yaml_.checkKeys(doc, {"apiVersion", "kind", "metadata", "spec"}, "the document", structural_);
    const YAML::Node api = doc["apiVersion"];
    const YAML::Node kind = doc["kind"];
    if (!api) {
      structural_.push_back(
          yaml_.error(doc, fmt::format("document has no apiVersion (need {})", kApiVersion)));
      return;
    }
    if (!api.IsScalar() || api.Scalar() != kApiVersion) {
      structural_.push_back(
          yaml_.error(api, fmt::format("unknown apiVersion \"{}\" (ptrd reads {})",
                                       api.IsScalar() ? api.Scalar() : "?", kApiVersion)));
      return;
    }
    if (!kind || !kind.IsScalar()) {
      structural_.push_back(
          yaml_.error(kind ? kind : doc, "document has no kind (need PTRMappings)"));
      return;
    }
    // The reconciler's own config may sit beside the mappings; it is not a mapping.
    if (kind.Scalar() == "ReconcilerConfig") return;
    if (kind.Scalar() != "PTRMappings") {
      structural_.push_back(yaml_.error(
          kind, fmt::format("unknown kind \"{}\" (expected PTRMappings)", kind.Scalar())));
      return;
    }
    std::string name = std::filesystem::path(yaml_.file()).stem().string();
    if (const YAML::Node meta = doc["metadata"]) {
      if (!meta.IsMap()) {
        structural_.push_back(yaml_.error(meta, "metadata must be a mapping"));
      } else {
        yaml_.checkKeys(meta, {"name", "namespace", "labels", "annotations"}, "metadata",
                        structural_);
        if (const YAML::Node n = meta["name"]) {
          if (auto s = yaml_.scalar(n, "metadata.name", structural_)) name = *s;
        }
      }
    }
    source_ = builder_.addSource(yaml_.file(), name);
    const YAML::Node spec = doc["spec"];
    if (!spec || !spec.IsMap()) {
      structural_.push_back(yaml_.error(
          spec ? spec : doc, "PTRMappings needs a spec mapping with records, bulk or ranges"));
      return;
    }
    yaml_.checkKeys(spec, {"records", "bulk", "ranges"}, "spec", structural_);
    if (const YAML::Node records = spec["records"]) readRecords(records);
    if (const YAML::Node bulk = spec["bulk"]) readBulk(bulk);
    if (const YAML::Node ranges = spec["ranges"]) readRanges(ranges);
  }

  bool stopped() const { return builder_.budgetHit() != DesiredStateBuilder::Bound::kNone; }

  bool isList(const YAML::Node& node, std::string_view what) {
    if (node.IsNull()) return false;
    if (node.IsSequence()) return true;
    structural_.push_back(yaml_.error(node, fmt::format("{} must be a list", what)));
    return false;
  }

  void invalid(const YAML::Node& at, std::optional<IpAddress> ip, std::string reason) {
    builder_.addInvalid(source_, ip, yaml_.at(at), std::move(reason));
  }

  std::optional<IpAddress> readIp(const YAML::Node& node, std::string_view what) {
    std::vector<Diagnostic> errors;
    auto text = yaml_.scalar(node, what, errors);
    if (!text) {
      invalid(node, std::nullopt, errors.front().reason);
      return std::nullopt;
    }
    auto ip = IpAddress::parse(*text);
    if (!ip) {
      invalid(node, std::nullopt,
              fmt::format("invalid IP address \"{}\": {}", *text, ip.error().message));
      return std::nullopt;
    }
    return *ip;
  }

  void readRecords(const YAML::Node& records) {
    if (!isList(records, "spec.records")) return;
    for (const auto& rec : records) {
      if (stopped()) return;
      if (!rec.IsMap()) {
        structural_.push_back(yaml_.error(
            rec, "each record must be a mapping with ip and hostname (or reset: true)"));
        continue;
      }
      yaml_.checkKeys(rec, {"ip", "hostname", "reset"}, "a record", structural_);
      const YAML::Node ip_node = rec["ip"];
      if (!ip_node) {
        invalid(rec, std::nullopt, "record has no ip");
        continue;
      }
      auto ip = readIp(ip_node, "ip");
      if (!ip) continue;
      const YAML::Node host = rec["hostname"];
      const YAML::Node reset_node = rec["reset"];
      std::vector<Diagnostic> errors;
      std::optional<bool> reset;
      if (reset_node) reset = yaml_.boolean(reset_node, "reset", errors);
      if (!errors.empty()) {
        invalid(reset_node, ip, errors.front().reason);
        continue;
      }
      bool is_reset = reset.value_or(false);
      if (host && is_reset) {
        invalid(
            reset_node, ip,
            fmt::format("record for {} has both hostname and reset: true; choose one", ip->str()));
        continue;
      }
      if (is_reset) {
        builder_.add(DesiredRecord{*ip, "", true, DeclarationKind::kRecord, source_,
                                   yaml_.at(rec).line, yaml_.at(rec).column});
        continue;
      }
      if (!host) {
        invalid(rec, ip,
                fmt::format("record for {} has neither hostname nor reset: true", ip->str()));
        continue;
      }
      auto text = yaml_.scalar(host, "hostname", errors);
      if (!text) {
        invalid(host, ip, errors.front().reason);
        continue;
      }
      auto name = normaliseHostname(*text);
      if (!name) {
        invalid(host, ip, name.error().message);
        continue;
      }
      auto where = yaml_.at(rec);
      builder_.add(DesiredRecord{*ip, std::move(*name), false, DeclarationKind::kRecord, source_,
                                 where.line, where.column});
    }
  }

  void readBulk(const YAML::Node& bulk) {
    if (bulk.IsNull()) return;
    if (!bulk.IsScalar()) {
      structural_.push_back(
          yaml_.error(bulk, "spec.bulk must be text: use a literal block (bulk: |)"));
      return;
    }
    auto mark = bulk.Mark();
    std::string_view raw = rawLine(uint32_t(mark.line + 1));
    char style = size_t(mark.column) < raw.size() ? raw[size_t(mark.column)] : ' ';
    BulkOrigin origin;
    origin.file = yaml_.file();
    if (style == '>') {
      structural_.push_back(yaml_.error(
          bulk, "spec.bulk must be a literal block (|): a folded block (>) joins its lines"));
      return;
    }
    if (style == '|') {
      origin.firstLine = uint32_t(mark.line + 2);
      uint32_t indent = 0;
      for (uint32_t l = origin.firstLine; l <= line_starts_.size(); ++l) {
        std::string_view r = rawLine(l);
        size_t n = r.find_first_not_of(' ');
        if (n == std::string_view::npos || r[n] == '\r') continue;
        indent = uint32_t(n);
        break;
      }
      origin.indentOf = [indent](uint32_t) { return indent; };
    } else {
      // Plain or quoted one-liner: positions are relative to the scalar's start.
      origin.firstLine = uint32_t(mark.line + 1);
      uint32_t offset = uint32_t(mark.column) + ((style == '"' || style == '\'') ? 1 : 0);
      origin.indentOf = [offset](uint32_t) { return offset; };
    }
    addBulkMappings(bulk.Scalar(), origin, source_, builder_);
  }

  void readRanges(const YAML::Node& ranges) {
    if (!isList(ranges, "spec.ranges")) return;
    if (!rangesFitTheBudget(ranges)) return;
    for (const auto& range : ranges) {
      if (stopped()) return;
      if (!range.IsMap()) {
        structural_.push_back(
            yaml_.error(range, "each range must be a mapping with cidr and hostname"));
        continue;
      }
      yaml_.checkKeys(range, {"cidr", "hostname"}, "a range", structural_);
      readRange(range);
    }
  }

  // Adds up the list's addresses before expanding any: aliases repeating a /16
  // would otherwise expand a million addresses before the budget stops them.
  bool rangesFitTheBudget(const YAML::Node& ranges) {
    uint64_t sum = 0;
    for (const auto& range : ranges) {
      if (!range.IsMap() || !range["cidr"] || !range["cidr"].IsScalar()) continue;
      auto cidr = Cidr::parse(range["cidr"].Scalar());
      if (!cidr || cidr->size() > options_.maxRangeSize) continue;  // reported, not expanded
      sum = cidr->size() > UINT64_MAX - sum ? UINT64_MAX : sum + cidr->size();
      if (!builder_.fits(sum, yaml_.at(range))) return false;
    }
    return true;
  }

  void readRange(const YAML::Node& range) {
    const YAML::Node cidr_node = range["cidr"];
    const YAML::Node tmpl_node = range["hostname"];
    if (!cidr_node || !tmpl_node) {
      invalid(range, std::nullopt, "range needs both cidr and hostname");
      return;
    }
    std::vector<Diagnostic> errors;
    auto cidr_text = yaml_.scalar(cidr_node, "cidr", errors);
    auto tmpl = yaml_.scalar(tmpl_node, "hostname", errors);
    if (!errors.empty()) {
      for (auto& e : errors) builder_.addInvalid(source_, std::nullopt, e.where, e.reason);
      return;
    }
    auto cidr = Cidr::parse(*cidr_text);
    if (!cidr) {
      invalid(cidr_node, std::nullopt,
              fmt::format("invalid cidr \"{}\": {}", *cidr_text, cidr.error().message));
      return;
    }
    if (cidr->size() > options_.maxRangeSize) {
      invalid(cidr_node, std::nullopt,
              fmt::format("range {} has {} addresses, more than the limit of {} (split it, or "
                          "raise --max-range-size)",
                          cidr->str(),
                          cidr->size() == (uint64_t(1) << 63) ? std::string("over 2^63")
                                                              : std::to_string(cidr->size()),
                          options_.maxRangeSize));
      return;
    }
    if (auto st = checkRangeTemplate(*tmpl, cidr->network.family()); !st) {
      invalid(tmpl_node, std::nullopt, st.error().message);
      return;
    }
    auto where = yaml_.at(range);
    // Checked before expanding: YAML aliases can repeat one range many times over.
    if (!builder_.fits(cidr->size(), where)) return;
    size_t checkpoint = builder_.checkpoint();
    for (uint64_t i = 0; i < cidr->size(); ++i) {
      IpAddress ip = cidr->at(i);
      std::string rendered = renderRangeTemplate(*tmpl, ip);
      auto name = normaliseHostname(rendered);
      if (!name) {
        // One template makes every name: report once and drop the whole range.
        builder_.rollback(checkpoint);
        invalid(tmpl_node, std::nullopt,
                fmt::format("range {}: template gives \"{}\" for {}: {}", cidr->str(), rendered,
                            ip.str(), name.error().message));
        return;
      }
      builder_.add(DesiredRecord{ip, std::move(*name), false, DeclarationKind::kRange, source_,
                                 where.line, where.column});
    }
  }

  YamlContext yaml_;
  std::string_view text_;
  const LoadOptions& options_;
  DesiredStateBuilder& builder_;
  std::vector<size_t> line_starts_;
  std::vector<Diagnostic> structural_;
  uint32_t source_ = 0;
};

}  // namespace

void loadMappingYaml(const std::string& file, std::string_view text, const LoadOptions& options,
                     DesiredStateBuilder& builder) {
  MappingFileReader(file, text, options, builder).read();
}

}  // namespace ptrd
