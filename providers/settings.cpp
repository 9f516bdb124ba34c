#include "providers/settings.h"

#include <fmt/format.h>

#include <filesystem>
#include <system_error>

#include "providers/url_redaction.h"

namespace ptrd::providers {

void readUrl(SettingsReader& in, ProviderConfig& out, std::string_view defaultUrl) {
  if (!in.has("url")) {
    if (defaultUrl.empty()) return in.fail("", "provider has no url");
    out.url = std::string(defaultUrl);
    return;
  }
  auto s = in.string("url");
  if (!s) return;
  out.url = *s;
  if (!out.url.starts_with("http://") && !out.url.starts_with("https://"))
    in.fail("url", fmt::format("provider url \"{}\" must start with http:// or https://",
                               redactUrlUserinfo(out.url)));
}

std::optional<std::string> readSecretPath(SettingsReader& in, std::string_view key,
                                          const std::string& type) {
  if (!in.has(key)) {
    in.fail("", fmt::format("provider {} needs {} (secrets are read from files)", type, key));
    return std::nullopt;
  }
  auto path = in.path(key);
  if (!path) return std::nullopt;
  if (!in.checkFiles()) return path;
  // stat, never open: a FIFO would block and the content is none of validate's business.
  std::error_code ec;
  const auto st = std::filesystem::status(*path, ec);
  if (ec || !std::filesystem::exists(st)) {
    in.fail(key, fmt::format("{} {} does not exist", key, *path));
    return std::nullopt;
  }
  if (!std::filesystem::is_regular_file(st)) {
    in.fail(key, fmt::format("{} {} is not a regular file", key, *path));
    return std::nullopt;
  }
  return path;
}

void readSecretFile(SettingsReader& in, std::string_view key, const std::string& type,
                    ProviderConfig& out) {
  if (auto path = readSecretPath(in, key, type)) out.apiKeyFile = *path;
}

void readHttpSettings(SettingsReader& in, ProviderConfig& out) {
  if (in.has("caFile")) {
    if (auto p = in.path("caFile")) out.caFile = *p;
  }
  if (in.has("requestTimeout")) {
    if (auto d = in.duration("requestTimeout")) out.requestTimeout = *d;
  }
}

void rejectForeignKey(SettingsReader& in, std::string_view key, const std::string& type,
                      std::string_view hint) {
  if (in.has(key)) in.fail(key, fmt::format("{} is not a {} setting{}", key, type, hint));
}

}  // namespace ptrd::providers
