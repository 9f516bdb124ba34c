// The vultr settings block (contract §6) and what the API can do: the
// registry's entry for `type: vultr`.
#include <fmt/format.h>

#include "providers/registry.h"
#include "providers/vultr/vultr_provider.h"

namespace ptrd::providers::vultr {
namespace {

void readSettings(SettingsReader& in, ProviderConfig& out) {
  // Other providers' names for the same things are listed so that they get a
  // message saying what to use instead of "unknown field".
  in.allowOnly({"url", "tokenFile", "caFile", "requestTimeout", "requestsPerSecond", "apiKeyFile",
                "batchSize", "defaultTemplate", "ttl", "stateFile", "jobTimeout"});
  readUrl(in, out, kDefaultUrl);
  rejectForeignKey(in, "apiKeyFile", out.type, " (use tokenFile)");
  readSecretFile(in, "tokenFile", out.type, out);
  readHttpSettings(in, out);
  auto own = std::make_shared<VultrSettings>();
  if (in.has("requestsPerSecond")) {
    if (auto v = in.integer("requestsPerSecond", 1, kMaxRequestsPerSecond))
      own->requestsPerSecond = *v;
  }
  out.settings = own;
  out.batchSize = kBatchSize;
  rejectForeignKey(in, "batchSize", out.type, " (Vultr takes one address per request)");
  rejectForeignKey(in, "defaultTemplate", out.type, " (a reset restores Vultr's own default)");
  rejectForeignKey(in, "ttl", out.type);
  rejectForeignKey(in, "stateFile", out.type, " (Vultr answers each change at once)");
  rejectForeignKey(in, "jobTimeout", out.type, " (Vultr answers each change at once)");
}

}  // namespace

ProviderType providerType() {
  ProviderType t;
  t.type = "vultr";
  t.block = "vultr";
  t.capabilities.maxBatchSize = kBatchSize;
  t.capabilities.serverForwardCheck = false;
  t.capabilities.reset = Capabilities::Reset::kPlatformDefault;
  t.readSettings = readSettings;
  t.make = makeVultrProvider;
  return t;
}

}  // namespace ptrd::providers::vultr
