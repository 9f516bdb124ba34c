#include "reconciler/config/config.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <set>
#include <tuple>

#include "core/yaml_util.h"
#include "providers/registry.h"
#include "reconciler/dns/cares_resolver.h"
#include "reconciler/config/duration.h"
#include "core/host_port.h"
#include "reconciler/source/input_file.h"

namespace ptrd {
namespace {

constexpr std::string_view kApiVersion = "ptrd.io/v1alpha1";

class ConfigReader {
 public:
  ConfigReader(const std::string& file, std::vector<Diagnostic>& errors, ConfigChecks checks)
      : yaml_(file), errors_(errors), checks_(checks) {
    config_.file = file;
  }

  ReconcilerConfig read(const std::string& text) {
    std::vector<YAML::Node> docs;
    try {
      docs = loadAllYamlDocuments(text);  // not YAML::LoadAll: it loops on a stray ','
    } catch (const YAML::ParserException& e) {
      errors_.push_back(
          {SourceLocation{yaml_.file(), uint32_t(e.mark.line + 1), uint32_t(e.mark.column + 1)},
           fmt::format("YAML syntax error: {}", e.msg)});
      return config_;
    }
    std::erase_if(docs, [](const YAML::Node& d) { return d.IsNull(); });
    if (docs.empty()) {
      errors_.push_back(
          {SourceLocation{yaml_.file()}, "the config file is empty (need a ReconcilerConfig)"});
    } else if (docs.size() > 1) {
      fail(docs[1],
           "the config file holds more than one document (need exactly one ReconcilerConfig)");
    } else {
      readDocument(docs[0]);
    }
    return config_;
  }

 private:
  void fail(const YAML::Node& node, std::string reason) {
    errors_.push_back(yaml_.error(node, std::move(reason)));
  }

  void readDocument(const YAML::Node& doc) {
    if (!doc.IsMap())
      return fail(doc, "the config must be a YAML mapping with apiVersion, kind, spec");
    yaml_.checkKeys(doc, {"apiVersion", "kind", "metadata", "spec"}, "the config", errors_);
    const YAML::Node api = doc["apiVersion"], kind = doc["kind"], spec = doc["spec"];
    if (!api) return fail(doc, fmt::format("the config has no apiVersion (need {})", kApiVersion));
    if (!api.IsScalar() || api.Scalar() != kApiVersion)
      return fail(api, fmt::format("unknown apiVersion \"{}\" (ptrd reads {})",
                                   api.IsScalar() ? api.Scalar() : "?", kApiVersion));
    if (!kind) return fail(doc, "the config has no kind (need ReconcilerConfig)");
    if (!kind.IsScalar() || kind.Scalar() != "ReconcilerConfig")
      return fail(kind, fmt::format("unknown kind \"{}\" (expected ReconcilerConfig)",
                                    kind.IsScalar() ? kind.Scalar() : "?"));
    if (const YAML::Node meta = doc["metadata"]) {
      if (!meta.IsMap())
        fail(meta, "metadata must be a mapping");
      else
        yaml_.checkKeys(meta, {"name"}, "metadata", errors_);
    }
    if (!spec) return fail(doc, "the config has no spec");
    if (!spec.IsMap())
      return fail(spec, fmt::format("spec must be a mapping, not {}", nodeTypeName(spec)));
    readSpec(spec);
  }

  void readSpec(const YAML::Node& spec) {
    yaml_.checkKeys(spec,
                    {"mappings", "provider", "resolvers", "policy", "requireForwardMatch",
                     "maxChangePercent", "maxChanges", "interval", "listen", "dnsQueriesPerSecond"},
                    "spec", errors_);
    if (const YAML::Node m = spec["mappings"]) {
      for (auto& p : stringList(m, "mappings")) config_.mappings.push_back(resolvePath(p));
      if (m.IsSequence() && m.size() == 0)
        fail(m, "mappings is empty (list the mapping files or directories)");
    } else {
      fail(spec, "spec has no mappings (list the mapping files or directories)");
    }
    if (const YAML::Node p = spec["provider"])
      readProvider(p);
    else
      fail(spec, "spec has no provider");
    if (const YAML::Node r = spec["resolvers"]) {
      for (auto& s : stringList(r, "resolvers")) config_.resolvers.push_back(s);
      checkResolvers(r);
    }
    if (const YAML::Node n = spec["policy"]) {
      if (auto s = yaml_.scalar(n, "policy", errors_)) {
        auto p = parsePolicy(*s);
        if (p)
          config_.policy = *p;
        else
          fail(n, p.error().message);
      }
    }
    if (const YAML::Node n = spec["requireForwardMatch"]) {
      if (auto b = yaml_.boolean(n, "requireForwardMatch", errors_))
        config_.requireForwardMatch = *b;
    }
    if (const YAML::Node n = spec["maxChangePercent"]) {
      if (auto v = number(n, "maxChangePercent", 0, 100)) config_.limits.maxChangePercent = *v;
    }
    if (const YAML::Node n = spec["maxChanges"]) {
      if (auto v = integer(n, "maxChanges", 1, 100'000'000)) config_.limits.maxChanges = *v;
    }
    if (const YAML::Node n = spec["interval"]) {
      if (auto d = duration(n, "interval")) config_.interval = *d;
    }
    if (const YAML::Node n = spec["dnsQueriesPerSecond"]) {
      if (auto v = number(n, "dnsQueriesPerSecond", 0.1, 1'000'000))
        config_.dnsQueriesPerSecond = *v;
    }
    if (const YAML::Node n = spec["listen"]) {
      if (auto s = yaml_.scalar(n, "listen", errors_)) {
        config_.listen = *s;
        checkListen(n, *s);
      }
    }
  }

  // A provider's block, read by the provider itself (providers/registry.h) through
  // this view: the nested block named after it (`noc: {url, tokenFile}`) is merged
  // into the flat keys. The merged map shares the original value nodes, so errors
  // keep their file:line:col.
  class ProviderSettings final : public providers::SettingsReader {
   public:
    ProviderSettings(ConfigReader& r, const YAML::Node& orig, std::string block)
        : r_(r), orig_(orig), block_(std::move(block)), nested_(orig[block_]) {
      merged_ = merge();
    }

    void allowOnly(const std::vector<std::string>& known) override {
      std::vector<std::string> flat{"type"};
      flat.insert(flat.end(), known.begin(), known.end());
      flat.push_back(block_);
      r_.checkKeyList(orig_, flat, "provider");
      if (nested_ && nested_.IsMap()) r_.checkKeyList(nested_, known, "provider." + block_);
    }
    bool has(std::string_view key) const override { return bool(node(key)); }
    std::optional<std::string> string(std::string_view key) override {
      return r_.yaml_.scalar(node(key), key, r_.errors_);
    }
    std::optional<uint64_t> integer(std::string_view key, uint64_t min, uint64_t max) override {
      return r_.integer(node(key), key, min, max);
    }
    std::optional<std::chrono::milliseconds> duration(std::string_view key) override {
      return r_.duration(node(key), key);
    }
    std::optional<std::string> path(std::string_view key) override {
      auto s = string(key);
      if (!s) return std::nullopt;
      return r_.resolvePath(*s);
    }
    std::optional<std::vector<std::string>> stringList(std::string_view key,
                                                       size_t maxItems) override {
      const YAML::Node n = node(key);
      if (!n.IsSequence() || n.size() == 0 || n.size() > maxItems) {
        r_.fail(n, fmt::format("{} must be a list of 1 to {} strings", key, maxItems));
        return std::nullopt;
      }
      std::vector<std::string> out;
      for (const auto& item : n) {
        auto s = r_.yaml_.scalar(item, key, r_.errors_);
        if (!s) return std::nullopt;
        out.push_back(std::move(*s));
      }
      return out;
    }
    void fail(std::string_view key, std::string reason) override {
      if (key.empty() || !has(key)) return r_.fail(orig_, std::move(reason));
      r_.fail(node(key), std::move(reason));
    }
    bool checkFiles() const override { return r_.checks_.secretFiles; }

   private:
    YAML::Node node(std::string_view key) const {
      const YAML::Node& view = merged_;  // const: a lookup must not add the key
      return view[std::string(key)];
    }

    YAML::Node merge() {
      if (!nested_) return orig_;
      if (!nested_.IsMap()) {
        r_.fail(nested_, fmt::format("provider.{} must be a mapping", block_));
        return orig_;
      }
      YAML::Node merged(YAML::NodeType::Map);
      for (auto it = orig_.begin(); it != orig_.end(); ++it) {
        if (it->first.IsScalar() && it->first.Scalar() != block_)
          merged[it->first.Scalar()] = it->second;
      }
      for (auto it = nested_.begin(); it != nested_.end(); ++it) {
        if (!it->first.IsScalar()) continue;
        const std::string key = it->first.Scalar();
        const YAML::Node& view = merged;
        if (view[key]) {
          r_.fail(it->first,
                  fmt::format("{} is given both in provider and in provider.{}", key, block_));
          continue;
        }
        merged[key] = it->second;
      }
      return merged;
    }

    ConfigReader& r_;
    const YAML::Node orig_;
    const std::string block_;
    const YAML::Node nested_;
    YAML::Node merged_;
  };

  void readProvider(const YAML::Node& orig) {
    if (!orig.IsMap())
      return fail(orig, fmt::format("provider must be a mapping, not {}", nodeTypeName(orig)));
    const YAML::Node type = orig["type"];
    if (!type)
      return fail(orig, fmt::format("provider has no type ({})", providers::knownProviderTypes()));
    auto t = yaml_.scalar(type, "provider type", errors_);
    if (!t) return;
    const providers::ProviderType* known = providers::findProviderType(*t);
    if (!known)
      return fail(type,
                  fmt::format("unknown provider '{}' ({})", *t, providers::knownProviderTypes()));
    config_.provider.type = *t;
    ProviderSettings settings(*this, orig, known->block);
    known->readSettings(settings, config_.provider);
  }

  // YamlContext::checkKeys for a list only known at run time (the provider's).
  void checkKeyList(const YAML::Node& map, const std::vector<std::string>& allowed,
                    const std::string& what) {
    std::set<std::string> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
      if (!it->first.IsScalar()) {
        fail(it->first, fmt::format("{} has a key that is not a string", what));
      } else if (std::find(allowed.begin(), allowed.end(), it->first.Scalar()) == allowed.end()) {
        fail(it->first, fmt::format("unknown field \"{}\" in {} (known: {})", it->first.Scalar(),
                                    what, fmt::join(allowed, ", ")));
      } else if (!seen.insert(it->first.Scalar()).second) {
        fail(it->first, fmt::format("field \"{}\" is given twice in {}", it->first.Scalar(), what));
      }
    }
  }

  std::vector<std::string> stringList(const YAML::Node& n, std::string_view what) {
    std::vector<std::string> out;
    if (!n.IsSequence()) {
      fail(n, fmt::format("{} must be a list of strings, not {}", what, nodeTypeName(n)));
      return out;
    }
    for (const auto& item : n) {
      if (auto s = yaml_.scalar(item, fmt::format("each entry of {}", what), errors_))
        out.push_back(*s);
    }
    return out;
  }

  void checkResolvers(const YAML::Node& list) {
    if (!list.IsSequence()) return;
    for (const auto& item : list) {
      if (!item.IsScalar()) continue;
      auto a = parseServerAddress(item.Scalar());
      if (!a) fail(item, fmt::format("resolver \"{}\": {}", item.Scalar(), a.error().message));
    }
  }

  void checkListen(const YAML::Node& n, const std::string& s) {
    if (!parseHostPort(s, PortRule::kRequired))
      fail(n,
           fmt::format("listen \"{}\" must be ADDRESS:PORT, e.g. 127.0.0.1:9153 or [::1]:9153", s));
  }

  // Plain (unquoted) scalars only: a quoted "20" is a string, as in Kubernetes.
  bool plainScalar(const YAML::Node& n, std::string_view what, std::string_view kind) {
    if (n.IsScalar() && n.Tag() != "!") return true;
    fail(n, fmt::format("{} must be {}, not {}", what, kind,
                        n.IsScalar() ? "a quoted string" : nodeTypeName(n)));
    return false;
  }

  std::optional<uint64_t> integer(const YAML::Node& n, std::string_view what, uint64_t min,
                                  uint64_t max) {
    if (!plainScalar(n, what, "a whole number")) return std::nullopt;
    const std::string& s = n.Scalar();
    uint64_t v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size()) {
      fail(n, fmt::format("{} must be a whole number, not \"{}\"", what, s));
      return std::nullopt;
    }
    if (v < min || v > max) {
      fail(n, fmt::format("{} is {}, must be between {} and {}", what, v, min, max));
      return std::nullopt;
    }
    return v;
  }

  std::optional<double> number(const YAML::Node& n, std::string_view what, double min, double max) {
    if (!plainScalar(n, what, "a number")) return std::nullopt;
    const std::string& s = n.Scalar();
    double v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size()) {
      fail(n, fmt::format("{} must be a number, not \"{}\"", what, s));
      return std::nullopt;
    }
    if (v < min || v > max) {
      fail(n, fmt::format("{} is {}, must be between {} and {}", what, s, min, max));
      return std::nullopt;
    }
    return v;
  }

  std::optional<std::chrono::milliseconds> duration(const YAML::Node& n, std::string_view what) {
    auto s = yaml_.scalar(n, what, errors_);
    if (!s) return std::nullopt;
    auto d = parseDuration(*s);
    if (!d) {
      fail(n, fmt::format("{}: {}", what, d.error().message));
      return std::nullopt;
    }
    if (d->count() == 0) {
      fail(n, fmt::format("{} must be longer than 0", what));
      return std::nullopt;
    }
    return *d;
  }

  std::string resolvePath(const std::string& p) const {
    std::filesystem::path path(p);
    if (path.is_absolute()) return p;
    std::filesystem::path dir = std::filesystem::path(yaml_.file()).parent_path();
    if (dir.empty()) return p;
    // Keep a trailing slash the user wrote (it marks a directory in messages).
    std::string out = (dir / path).lexically_normal().string();
    return out;
  }

  YamlContext yaml_;
  std::vector<Diagnostic>& errors_;
  ConfigChecks checks_;
  ReconcilerConfig config_;
};

}  // namespace

PlanOptions ReconcilerConfig::planOptions(bool allowLargeChange) const {
  PlanOptions o;
  o.policy = policy;
  o.requireForwardMatch = requireForwardMatch;
  o.limits = limits;
  o.allowLargeChange = allowLargeChange;
  return o;
}

ReconcilerConfig parseConfig(const std::string& text, const std::string& file,
                             std::vector<Diagnostic>& errors, ConfigChecks checks) {
  const size_t before = errors.size();
  ReconcilerConfig config = ConfigReader(file, errors, checks).read(text);
  // Report in file order, however the reader happened to visit the fields.
  std::stable_sort(errors.begin() + std::ptrdiff_t(before), errors.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return std::tie(a.where.line, a.where.column) <
                            std::tie(b.where.line, b.where.column);
                   });
  return config;
}

Result<ReconcilerConfig> loadConfig(const std::string& path, ConfigChecks checks) {
  // Read like a mapping file (a FIFO or a huge file is an error, not a hang), with
  // a bound fit for a config.
  auto text = readInputFile(path, ReadLimits{kMaxConfigBytes, kMaxTornReadTries, "config file"});
  if (!text) {
    if (text.error().message.starts_with("cannot "))
      return Error::permanent(fmt::format("{}: cannot read the config file", path));
    return Error::permanent(fmt::format("{}: {}", path, text.error().message));
  }
  std::vector<Diagnostic> errors;
  ReconcilerConfig config = parseConfig(*text, path, errors, checks);
  if (errors.empty()) return config;
  std::string message;
  for (const auto& e : errors) message += (message.empty() ? "" : "\n") + e.str();
  return Error::permanent(std::move(message));
}

}  // namespace ptrd
