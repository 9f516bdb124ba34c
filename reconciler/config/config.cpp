#include "reconciler/config/config.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <tuple>

#include "core/yaml_util.h"
#include "providers/registry.h"
#include "reconciler/dns/cares_resolver.h"
#include "reconciler/config/config_fields.h"
#include "reconciler/config/provider_block.h"
#include "core/host_port.h"
#include "reconciler/source/input_file.h"

namespace ptrd {
namespace {

constexpr std::string_view kApiVersion = "ptrd.io/v1alpha1";

class ConfigReader {
 public:
  ConfigReader(const std::string& file, std::vector<Diagnostic>& errors, ConfigChecks checks)
      : fields_(file, errors, checks), yaml_(fields_.yaml()), errors_(errors) {
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
  void fail(const YAML::Node& node, std::string reason) { fields_.fail(node, std::move(reason)); }

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
      for (auto& p : fields_.stringList(m, "mappings"))
        config_.mappings.push_back(fields_.resolvePath(p));
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
      for (auto& s : fields_.stringList(r, "resolvers")) config_.resolvers.push_back(s);
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
      if (auto v = fields_.number(n, "maxChangePercent", 0, 100))
        config_.limits.maxChangePercent = *v;
    }
    if (const YAML::Node n = spec["maxChanges"]) {
      if (auto v = fields_.integer(n, "maxChanges", 1, 100'000'000)) config_.limits.maxChanges = *v;
    }
    if (const YAML::Node n = spec["interval"]) {
      if (auto d = fields_.duration(n, "interval")) config_.interval = *d;
    }
    if (const YAML::Node n = spec["dnsQueriesPerSecond"]) {
      if (auto v = fields_.number(n, "dnsQueriesPerSecond", 0.1, 1'000'000))
        config_.dnsQueriesPerSecond = *v;
    }
    if (const YAML::Node n = spec["listen"]) {
      if (auto s = yaml_.scalar(n, "listen", errors_)) {
        config_.listen = *s;
        checkListen(n, *s);
      }
    }
  }

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
    ProviderBlock block(fields_, orig, known->block);
    known->readSettings(block, config_.provider);
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

  ConfigFields fields_;
  const YamlContext& yaml_;
  std::vector<Diagnostic>& errors_;
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
