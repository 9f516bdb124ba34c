#include "reconciler/config.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <tuple>

#include "providers/url_redaction.h"
#include "reconciler/cares_resolver.h"
#include "reconciler/duration.h"
#include "reconciler/input_file.h"
#include "core/yaml_util.h"

namespace ptrd {
namespace {

constexpr std::string_view kApiVersion = "ptrd.io/v1alpha1";
constexpr size_t kNocMaxBatch = 500;  // the NOC API refuses larger bulk jobs (noc-api.md)

class ConfigReader {
 public:
  ConfigReader(const std::string& file, std::vector<Diagnostic>& errors)
      : yaml_(file), errors_(errors) {
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

  // The contract sketches the noc settings as `noc: {url, tokenFile, batchSize}`
  // under provider; that nesting is accepted as well as the flat keys. The merged
  // map shares the original value nodes, so errors keep their file:line:col.
  YAML::Node flattenNocBlock(const YAML::Node& orig) {
    const YAML::Node block = orig["noc"];
    if (!block) return orig;
    if (!block.IsMap()) {
      fail(block, "provider.noc must be a mapping (url, tokenFile, batchSize)");
      return orig;
    }
    yaml_.checkKeys(block, {"url", "tokenFile", "batchSize", "caFile", "requestTimeout", "jobTimeout", "stateFile"},
                    "provider.noc", errors_);
    YAML::Node merged(YAML::NodeType::Map);
    for (auto it = orig.begin(); it != orig.end(); ++it) {
      if (it->first.IsScalar() && it->first.Scalar() != "noc") merged[it->first.Scalar()] = it->second;
    }
    for (auto it = block.begin(); it != block.end(); ++it) {
      if (!it->first.IsScalar()) continue;
      const std::string key = it->first.Scalar();
      const YAML::Node& view = merged;
      if (view[key]) {
        fail(it->first, fmt::format("{} is given both in provider and in provider.noc", key));
        continue;
      }
      merged[key] = it->second;
    }
    return merged;
  }

  void readProvider(const YAML::Node& orig) {
    if (!orig.IsMap())
      return fail(orig, fmt::format("provider must be a mapping, not {}", nodeTypeName(orig)));
    yaml_.checkKeys(orig,
                    {"type", "url", "apiKeyFile", "tokenFile", "batchSize", "defaultTemplate",
                     "caFile", "requestTimeout", "jobTimeout", "stateFile", "ttl", "noc"},
                    "provider", errors_);
    const YAML::Node p = flattenNocBlock(orig);
    auto& pc = config_.provider;
    const YAML::Node type = p["type"];
    if (!type) return fail(orig, "provider has no type (powerdns or noc)");
    auto t = yaml_.scalar(type, "provider type", errors_);
    if (!t) return;
    if (*t != "powerdns" && *t != "noc")
      return fail(type, fmt::format("unknown provider '{}' (powerdns or noc)", *t));
    pc.type = *t;
    const bool noc = pc.type == "noc";
    if (const YAML::Node block = orig["noc"]; block && !noc)
      fail(block, fmt::format("provider.noc settings need type: noc, not {}", pc.type));
    if (const YAML::Node u = p["url"]) {
      if (auto s = yaml_.scalar(u, "provider url", errors_)) {
        pc.url = *s;
        if (!pc.url.starts_with("http://") && !pc.url.starts_with("https://"))
          fail(u, fmt::format("provider url \"{}\" must start with http:// or https://",
                             providers::redactUrlUserinfo(pc.url)));
      }
    } else {
      fail(orig, "provider has no url");
    }
    // Each provider names its secret the way its API does; the other name is a
    // mistake worth catching before a request goes out unauthenticated.
    const char* secret = noc ? "tokenFile" : "apiKeyFile";
    const char* other = noc ? "apiKeyFile" : "tokenFile";
    if (const YAML::Node o = p[other])
      fail(o, fmt::format("{} is not a {} setting (use {})", other, pc.type, secret));
    if (const YAML::Node k = p[secret]) {
      if (auto s = yaml_.scalar(k, secret, errors_)) pc.apiKeyFile = resolvePath(*s);
    } else {
      fail(orig, fmt::format("provider {} needs {} (secrets are read from files)", pc.type, secret));
    }
    if (const YAML::Node b = p["batchSize"]) {
      if (auto v = integer(b, "batchSize", 1, noc ? kNocMaxBatch : 100'000)) pc.batchSize = *v;
    } else if (noc) {
      pc.batchSize = kNocMaxBatch;
    }
    if (const YAML::Node d = p["defaultTemplate"]) {
      if (noc)
        fail(d, "defaultTemplate is a powerdns setting (the NOC portal has its own defaults)");
      else if (auto s = yaml_.scalar(d, "defaultTemplate", errors_))
        pc.defaultTemplate = *s;
    }
    if (const YAML::Node c = p["caFile"]) {
      if (auto s = yaml_.scalar(c, "caFile", errors_)) pc.caFile = resolvePath(*s);
    }
    if (const YAML::Node s = p["stateFile"]) {
      if (!noc)
        fail(s, "stateFile is a noc setting");
      else if (auto v = yaml_.scalar(s, "stateFile", errors_))
        pc.stateFile = resolvePath(*v);
    }
    if (const YAML::Node n = p["requestTimeout"]) {
      if (auto d = duration(n, "requestTimeout")) pc.requestTimeout = *d;
    }
    if (const YAML::Node n = p["jobTimeout"]) {
      if (auto d = duration(n, "jobTimeout")) pc.jobTimeout = *d;
    }
    if (const YAML::Node n = p["ttl"]) {
      if (noc)
        fail(n, "ttl is a powerdns setting");
      else if (auto v = integer(n, "ttl", 1, 604800))
        pc.ttl = uint32_t(*v);
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
    size_t colon = s.rfind(':');
    auto bad = [&] {
      fail(n,
           fmt::format("listen \"{}\" must be ADDRESS:PORT, e.g. 127.0.0.1:9153 or [::1]:9153", s));
    };
    if (colon == std::string::npos || colon == 0) return bad();
    std::string host = s.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
      host = host.substr(1, host.size() - 2);
    else if (host.find(':') != std::string::npos)
      return bad();  // IPv6 needs brackets
    unsigned port = 0;
    const char* end = s.data() + s.size();
    auto [ptr, ec] = std::from_chars(s.data() + colon + 1, end, port);
    if (ec != std::errc() || ptr != end || port == 0 || port > 65535 || !IpAddress::parse(host))
      bad();
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
                             std::vector<Diagnostic>& errors) {
  const size_t before = errors.size();
  ReconcilerConfig config = ConfigReader(file, errors).read(text);
  // Report in file order, however the reader happened to visit the fields.
  std::stable_sort(errors.begin() + std::ptrdiff_t(before), errors.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return std::tie(a.where.line, a.where.column) <
                            std::tie(b.where.line, b.where.column);
                   });
  return config;
}

Result<ReconcilerConfig> loadConfig(const std::string& path) {
  // Read like a mapping file (a FIFO or a huge file is an error, not a hang), with
  // a bound fit for a config.
  auto text = readInputFile(path, ReadLimits{kMaxConfigBytes, kMaxTornReadTries, "config file"});
  if (!text) {
    if (text.error().message.starts_with("cannot "))
      return Error::permanent(fmt::format("{}: cannot read the config file", path));
    return Error::permanent(fmt::format("{}: {}", path, text.error().message));
  }
  std::vector<Diagnostic> errors;
  ReconcilerConfig config = parseConfig(*text, path, errors);
  if (errors.empty()) return config;
  std::string message;
  for (const auto& e : errors) message += (message.empty() ? "" : "\n") + e.str();
  return Error::permanent(std::move(message));
}

}  // namespace ptrd
