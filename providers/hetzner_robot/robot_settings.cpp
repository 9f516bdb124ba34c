// The hetznerRobot settings block (contract §6) and what the webservice can
// do: the registry's entry for `type: hetzner-robot`.
#include <fmt/format.h>

#include "providers/hetzner_robot/robot_provider.h"
#include "providers/registry.h"

namespace ptrd::providers::hetzner_robot {
namespace {

void readSettings(SettingsReader& in, ProviderConfig& out) {
  // Other providers' names for the same things are listed so that they get a
  // message saying what to use instead of "unknown field".
  in.allowOnly({"url", "userFile", "passwordFile", "caFile", "requestTimeout", "requestsPerHour",
                "tokenFile", "apiKeyFile", "batchSize", "defaultTemplate", "ttl", "stateFile",
                "jobTimeout"});
  readUrl(in, out, kDefaultUrl);
  rejectForeignKey(in, "tokenFile", out.type,
                   " (Robot takes a webservice user: userFile and passwordFile)");
  rejectForeignKey(in, "apiKeyFile", out.type,
                   " (Robot takes a webservice user: userFile and passwordFile)");
  auto own = std::make_shared<RobotSettings>();
  if (auto p = readSecretPath(in, "userFile", out.type)) own->userFile = *p;
  if (auto p = readSecretPath(in, "passwordFile", out.type)) own->passwordFile = *p;
  readHttpSettings(in, out);
  if (in.has("requestsPerHour")) {
    if (auto v = in.integer("requestsPerHour", 1, kMaxRdnsRequestsPerHour))
      own->requestsPerHour = *v;
  }
  out.settings = own;
  out.batchSize = kBatchSize;
  rejectForeignKey(in, "batchSize", out.type, " (Robot takes one address per request)");
  rejectForeignKey(in, "defaultTemplate", out.type, " (a reset restores Robot's own default)");
  rejectForeignKey(in, "ttl", out.type);
  // The request log, kept out of out.stateFile: that one is the daemon's job
  // journal, a different format.
  if (in.has("stateFile")) {
    if (auto p = in.path("stateFile")) own->requestLogFile = *p;
  }
  rejectForeignKey(in, "jobTimeout", out.type, " (Robot answers each change at once)");
}

}  // namespace

ProviderType providerType() {
  ProviderType t;
  t.type = "hetzner-robot";
  t.block = "hetznerRobot";
  t.capabilities.maxBatchSize = kBatchSize;
  t.capabilities.serverForwardCheck = false;
  t.capabilities.reset = Capabilities::Reset::kPlatformDefault;
  t.capabilities.rateLimitHeaders = {};  // none seen; RATE_LIMIT_EXCEEDED backs off
  t.readSettings = readSettings;
  t.make = makeHetznerRobotProvider;
  return t;
}

}  // namespace ptrd::providers::hetzner_robot
