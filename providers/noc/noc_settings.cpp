// The noc settings block (contract §6) and what the portal can do: the registry's
// entry for `type: noc`.
#include <fmt/format.h>

#include "providers/noc/noc_provider.h"
#include "providers/registry.h"

namespace ptrd::providers::noc {
namespace {

void readSettings(SettingsReader& in, ProviderConfig& out) {
  // The other providers' names for the same things are listed so that they get
  // a message saying what to use instead of "unknown field".
  in.allowOnly({"url", "tokenFile", "batchSize", "caFile", "requestTimeout", "jobTimeout",
                "stateFile", "apiKeyFile", "defaultTemplate", "ttl"});
  readUrl(in, out);
  // The portal calls its secret a token; an apiKeyFile is a mistake worth
  // catching before a request goes out unauthenticated.
  rejectForeignKey(in, "apiKeyFile", out.type, " (use tokenFile)");
  readSecretFile(in, "tokenFile", out.type, out);
  out.batchSize = kMaxBulkEntries;
  if (in.has("batchSize")) {
    if (auto v = in.integer("batchSize", 1, kMaxBulkEntries)) out.batchSize = *v;
  }
  rejectForeignKey(in, "defaultTemplate", out.type, " (the NOC portal has its own defaults)");
  rejectForeignKey(in, "ttl", out.type);
  readHttpSettings(in, out);
  if (in.has("jobTimeout")) {
    if (auto d = in.duration("jobTimeout")) out.jobTimeout = *d;
  }
  if (in.has("stateFile")) {
    if (auto p = in.path("stateFile")) out.stateFile = *p;
  }
}

}  // namespace

ProviderType providerType() {
  ProviderType t;
  t.type = "noc";
  t.block = "noc";
  t.capabilities.maxBatchSize = kMaxBulkEntries;
  t.capabilities.asyncJobs = true;  // bulk jobs: journaled, resumed after a restart
  t.capabilities.reset = Capabilities::Reset::kPlatformDefault;
  t.capabilities.rateLimitHeaders = {"Retry-After"};
  t.capabilities.resumeWindow = kIdempotencyWindow;
  t.readSettings = readSettings;
  t.make = makeNocProvider;
  return t;
}

}  // namespace ptrd::providers::noc
