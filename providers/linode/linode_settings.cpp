// The linode settings block (contract §6) and what the API can do: the
// registry's entry for `type: linode`.
#include <fmt/format.h>

#include "providers/linode/linode_provider.h"
#include "providers/registry.h"

namespace ptrd::providers::linode {
namespace {

void readSettings(SettingsReader& in, ProviderConfig& out) {
  // Other providers' names for the same things are listed so that they get a
  // message saying what to use instead of "unknown field".
  in.allowOnly({"url", "tokenFile", "caFile", "requestTimeout", "requestsPerMinute", "apiKeyFile",
                "batchSize", "defaultTemplate", "ttl", "stateFile", "jobTimeout"});
  readUrl(in, out, kDefaultUrl);
  rejectForeignKey(in, "apiKeyFile", out.type, " (use tokenFile)");
  readSecretFile(in, "tokenFile", out.type, out);
  readHttpSettings(in, out);
  auto own = std::make_shared<LinodeSettings>();
  if (in.has("requestsPerMinute")) {
    if (auto v = in.integer("requestsPerMinute", 1, kMaxRequestsPerMinute))
      own->requestsPerMinute = *v;
  }
  out.settings = own;
  out.batchSize = kBatchSize;
  rejectForeignKey(in, "batchSize", out.type, " (Linode takes one address per request)");
  rejectForeignKey(in, "defaultTemplate", out.type, " (a reset restores Linode's own default)");
  rejectForeignKey(in, "ttl", out.type);
  // The request log, kept out of out.stateFile: that one is the daemon's job
  // journal, a different format.
  if (in.has("stateFile")) {
    if (auto p = in.path("stateFile")) own->requestLogFile = *p;
  }
  rejectForeignKey(in, "jobTimeout", out.type, " (Linode answers each change at once)");
}

}  // namespace

ProviderType providerType() {
  ProviderType t;
  t.type = "linode";
  t.block = "linode";
  t.capabilities.maxBatchSize = kBatchSize;
  t.capabilities.serverForwardCheck = true;
  t.capabilities.reset = Capabilities::Reset::kPlatformDefault;
  t.capabilities.rateLimitHeaders = {"Retry-After", "X-RateLimit-Remaining", "X-RateLimit-Reset"};
  t.readSettings = readSettings;
  t.make = makeLinodeProvider;
  return t;
}

}  // namespace ptrd::providers::linode
