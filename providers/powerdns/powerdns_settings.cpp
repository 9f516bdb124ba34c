// The powerdns settings block (contract §2, §6) and what the API can do: the
// registry's entry for `type: powerdns`.
#include <fmt/format.h>

#include "core/range_template.h"
#include "providers/powerdns/powerdns_provider.h"
#include "providers/registry.h"

namespace ptrd::providers::powerdns {
namespace {

// One PATCH carries at most this many rrsets: far above any real batch, low
// enough that a typo (an extra zero or three) is caught.
constexpr size_t kMaxBatch = 100'000;

void readSettings(SettingsReader& in, ProviderConfig& out) {
  // tokenFile and stateFile are other providers' settings: listed so that they
  // get a message saying what to use instead of "unknown field".
  in.allowOnly({"url", "apiKeyFile", "batchSize", "defaultTemplate", "caFile", "requestTimeout",
                "jobTimeout", "ttl", "tokenFile", "stateFile"});
  readUrl(in, out);
  rejectForeignKey(in, "tokenFile", out.type, " (use apiKeyFile)");
  readSecretFile(in, "apiKeyFile", out.type, out);
  if (in.has("batchSize")) {
    if (auto v = in.integer("batchSize", 1, kMaxBatch)) out.batchSize = *v;
  }
  if (in.has("defaultTemplate")) {
    if (auto s = in.string("defaultTemplate")) {
      // The one template engine checks it now, not at the first reset: an unknown
      // placeholder would otherwise be written into DNS as text.
      if (auto ok = checkTemplate(*s); !ok) in.fail("defaultTemplate", ok.error().message);
      out.defaultTemplate = *s;
    }
  }
  readHttpSettings(in, out);
  // Accepted and unused, as before: PowerDNS answers synchronously.
  if (in.has("jobTimeout")) {
    if (auto d = in.duration("jobTimeout")) out.jobTimeout = *d;
  }
  rejectForeignKey(in, "stateFile", out.type);
  if (in.has("ttl")) {
    if (auto v = in.integer("ttl", 1, 604800)) out.ttl = uint32_t(*v);
  }
}

}  // namespace

ProviderType providerType() {
  ProviderType t;
  t.type = "powerdns";
  t.block = "powerdns";
  t.capabilities.maxBatchSize = kMaxBatch;
  t.capabilities.reset = Capabilities::Reset::kDeleteOrTemplate;
  t.capabilities.rateLimitHeaders = {};  // a 429 is a rate-limited Error; the pass ends
  t.readSettings = readSettings;
  t.make = makePowerDnsProvider;
  return t;
}

}  // namespace ptrd::providers::powerdns
