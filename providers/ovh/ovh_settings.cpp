// The ovh settings block (contract §6) and what the API can do: the registry's
// entry for `type: ovh`.
#include <fmt/format.h>

#include "providers/ovh/ovh_provider.h"
#include "providers/registry.h"

namespace ptrd::providers::ovh {
namespace {

void readSettings(SettingsReader& in, ProviderConfig& out) {
  // Other providers' names for the same things are listed so that they get a
  // message saying what to use instead of "unknown field".
  in.allowOnly({"url", "applicationKeyFile", "applicationSecretFile", "consumerKeyFile", "caFile",
                "requestTimeout", "requestsPerMinute", "tokenFile", "apiKeyFile", "batchSize",
                "defaultTemplate", "ttl", "stateFile", "jobTimeout"});
  readUrl(in, out, kDefaultUrl);
  constexpr const char* kKeys =
      " (OVH takes applicationKeyFile, applicationSecretFile and consumerKeyFile)";
  rejectForeignKey(in, "tokenFile", out.type, kKeys);
  rejectForeignKey(in, "apiKeyFile", out.type, kKeys);
  auto own = std::make_shared<OvhSettings>();
  if (auto p = readSecretPath(in, "applicationKeyFile", out.type)) own->applicationKeyFile = *p;
  if (auto p = readSecretPath(in, "applicationSecretFile", out.type))
    own->applicationSecretFile = *p;
  if (auto p = readSecretPath(in, "consumerKeyFile", out.type)) own->consumerKeyFile = *p;
  readHttpSettings(in, out);
  if (in.has("requestsPerMinute")) {
    if (auto v = in.integer("requestsPerMinute", 1, kMaxRequestsPerMinute))
      own->requestsPerMinute = *v;
  }
  out.settings = own;
  out.batchSize = kBatchSize;
  rejectForeignKey(in, "batchSize", out.type, " (OVH takes one address per request)");
  rejectForeignKey(in, "defaultTemplate", out.type, " (a reset restores OVH's own default)");
  rejectForeignKey(in, "ttl", out.type);
  rejectForeignKey(in, "stateFile", out.type, " (OVH answers each change at once)");
  rejectForeignKey(in, "jobTimeout", out.type, " (OVH answers each change at once)");
}

}  // namespace

ProviderType providerType() {
  ProviderType t;
  t.type = "ovh";
  t.block = "ovh";
  t.capabilities.maxBatchSize = kBatchSize;
  t.capabilities.serverForwardCheck = true;
  t.capabilities.reset = Capabilities::Reset::kPlatformDefault;
  t.capabilities.rateLimitHeaders = {"Retry-After"};
  t.readSettings = readSettings;
  t.make = makeOvhProvider;
  return t;
}

}  // namespace ptrd::providers::ovh
