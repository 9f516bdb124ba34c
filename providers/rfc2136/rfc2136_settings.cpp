// The rfc2136 settings block (contract §6) and what the protocol can do: the
// registry's entry for `type: rfc2136`.
//
//   provider:
//     type: rfc2136
//     rfc2136: {server: 192.0.2.53:53, zones: [113.0.203.in-addr.arpa], tsigKeyFile:
//     secrets/ptrd.key,
//               ttl: 300, defaultTemplate: ""}
#include <fmt/format.h>

#include "core/range_template.h"
#include "providers/registry.h"
#include "providers/rfc2136/rfc2136_provider.h"

namespace ptrd::providers::rfc2136 {
namespace {

constexpr size_t kMaxBatch = 10'000;
constexpr size_t kMaxListedZones = 10'000;

struct Rfc2136Settings : ProviderSettings {
  ServerAddress server;
  std::vector<ReverseZone> zones;
};

void readSettings(SettingsReader& in, ProviderConfig& out) {
  // url and apiKeyFile are other providers' settings: listed so that they get a
  // message saying what to use instead of "unknown field".
  in.allowOnly({"server", "zones", "tsigKeyFile", "ttl", "defaultTemplate", "batchSize",
                "requestTimeout", "transferTimeout", "url", "apiKeyFile", "tokenFile"});
  auto own = std::make_shared<Rfc2136Settings>();
  rejectForeignKey(in, "url", out.type, " (use server: HOST:PORT)");
  rejectForeignKey(in, "apiKeyFile", out.type, " (use tsigKeyFile)");
  rejectForeignKey(in, "tokenFile", out.type, " (use tsigKeyFile)");
  if (!in.has("server")) {
    in.fail("",
            "provider rfc2136 needs server (the primary that takes UPDATE, e.g. 192.0.2.53:53)");
  } else if (auto s = in.string("server")) {
    if (auto a = ServerAddress::parse(*s))
      own->server = *a;
    else
      in.fail("server", a.error().message);
  }
  if (!in.has("zones")) {
    in.fail("", "provider rfc2136 needs zones (the reverse zones ptrd manages)");
  } else if (auto zones = in.stringList("zones", kMaxListedZones)) {
    for (const auto& text : *zones) {
      auto z = ReverseZone::parse(text);
      if (!z) {
        in.fail("zones", z.error().message);
        continue;
      }
      for (const auto& seen : own->zones) {
        if (seen.name == z->name) in.fail("zones", fmt::format("zone {} is listed twice", z->name));
      }
      own->zones.push_back(*z);
    }
  }
  readSecretFile(in, "tsigKeyFile", out.type, out);
  if (in.has("ttl")) {
    if (auto v = in.integer("ttl", 1, 604800)) out.ttl = uint32_t(*v);
  }
  if (in.has("defaultTemplate")) {
    if (auto s = in.string("defaultTemplate")) {
      // The one template engine checks it now, not at the first reset: an unknown
      // placeholder would otherwise be written into DNS as text.
      if (auto ok = checkTemplate(*s); !ok) in.fail("defaultTemplate", ok.error().message);
      out.defaultTemplate = *s;
    }
  }
  if (in.has("batchSize")) {
    if (auto v = in.integer("batchSize", 1, kMaxBatch)) out.batchSize = *v;
  }
  if (in.has("requestTimeout")) {
    if (auto d = in.duration("requestTimeout")) out.requestTimeout = *d;
  }
  // How long one zone's whole AXFR may take (jobTimeout's field: the provider has no jobs).
  if (in.has("transferTimeout")) {
    if (auto d = in.duration("transferTimeout")) out.jobTimeout = *d;
  }
  out.settings = std::move(own);
}

}  // namespace

Result<std::unique_ptr<Provider>> makeRfc2136Provider(const ProviderConfig& config,
                                                      RequestObserver observer) {
  const auto* own = config.own<Rfc2136Settings>();
  if (own == nullptr || own->zones.empty())
    return Error::permanent("rfc2136 provider: server and zones are not set");
  auto key = readTsigKeyFile(config.apiKeyFile);
  if (!key)
    return Error::permanent(fmt::format("rfc2136 provider: tsigKeyFile: {}", key.error().message));
  Rfc2136Options o;
  o.zones = own->zones;
  o.ttl = config.ttl;
  o.defaultTemplate = config.defaultTemplate;
  o.batchSize = config.batchSize;
  auto client = std::make_unique<DnsClient>(own->server, std::move(*key), config.requestTimeout,
                                            config.jobTimeout);
  return std::unique_ptr<Provider>(
      std::make_unique<Rfc2136Provider>(std::move(o), std::move(client), std::move(observer)));
}

ProviderType providerType() {
  ProviderType t;
  t.type = "rfc2136";
  t.block = "rfc2136";
  t.capabilities.maxBatchSize = kMaxBatch;
  t.capabilities.reset = Capabilities::Reset::kDeleteOrTemplate;
  t.capabilities.rateLimitHeaders = {};  // DNS has none; SERVFAIL ends the pass as transient
  t.readSettings = readSettings;
  t.make = makeRfc2136Provider;
  return t;
}

}  // namespace ptrd::providers::rfc2136
