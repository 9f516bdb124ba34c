// The hetznerCloud settings block (contract §6) and what the platform can do:
// the registry's entry for `type: hetzner-cloud`.
#include <fmt/format.h>

#include "providers/hetzner_cloud/hcloud_provider.h"
#include "providers/registry.h"

namespace ptrd::providers::hetzner_cloud {
namespace {

void readSettings(SettingsReader& in, ProviderConfig& out) {
  // The other providers' names for the same things are listed so that they get
  // a message saying what to use instead of "unknown field".
  in.allowOnly({"url", "tokenFile", "batchSize", "caFile", "requestTimeout", "jobTimeout",
                "stateFile", "apiKeyFile", "defaultTemplate", "ttl"});
  readUrl(in, out, kDefaultUrl);
  rejectForeignKey(in, "apiKeyFile", out.type, " (use tokenFile)");
  readSecretFile(in, "tokenFile", out.type, out);
  out.batchSize = kDefaultBatch;
  if (in.has("batchSize")) {
    if (auto v = in.integer("batchSize", 1, kMaxBatch)) out.batchSize = *v;
  }
  rejectForeignKey(in, "defaultTemplate", out.type,
                   " (reset gives Hetzner's own default, static.<d.c.b.a>.clients.your-server.de)");
  rejectForeignKey(in, "ttl", out.type);
  readHttpSettings(in, out);
  if (in.has("jobTimeout")) {
    if (auto d = in.duration("jobTimeout")) out.jobTimeout = *d;
  }
  // The rate budget's file, kept out of out.stateFile: that one is the
  // daemon's job journal, a different format.
  auto own = std::make_shared<HcloudSettings>();
  if (in.has("stateFile")) {
    if (auto p = in.path("stateFile")) own->budgetFile = *p;
  }
  out.settings = std::move(own);
}

}  // namespace

ProviderType providerType() {
  ProviderType t;
  t.type = "hetzner-cloud";
  t.block = "hetznerCloud";
  t.capabilities.maxBatchSize = kMaxBatch;
  // Actions end within one apply(); a change left running is re-planned next
  // pass (setting a PTR twice is harmless), so nothing is journaled.
  t.capabilities.asyncJobs = false;
  t.capabilities.serverForwardCheck = false;
  t.capabilities.reset = Capabilities::Reset::kPlatformDefault;
  t.capabilities.rateLimitHeaders = {"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset",
                                     "Retry-After"};
  t.readSettings = readSettings;
  t.make = makeHcloudProvider;
  return t;
}

}  // namespace ptrd::providers::hetzner_cloud
