// ProviderBlock: the config's `provider:` mapping as a provider reads it
// (providers/settings.h), through the registry. The nested block named after the
// provider (`noc: {url, tokenFile}`) is merged into the flat keys; a key given in
// both places is an error. The merged map shares the original value nodes, so
// every error keeps its file:line:col.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "providers/settings.h"
#include "reconciler/config/config_fields.h"

namespace ptrd {

class ProviderBlock final : public providers::SettingsReader {
 public:
  // `orig`: the provider mapping; `block`: the nested block's name (the type's).
  ProviderBlock(ConfigFields& fields, const YAML::Node& orig, std::string block);

  void allowOnly(const std::vector<std::string>& known) override;
  bool has(std::string_view key) const override { return bool(node(key)); }
  std::optional<std::string> string(std::string_view key) override;
  std::optional<uint64_t> integer(std::string_view key, uint64_t min, uint64_t max) override;
  std::optional<std::chrono::milliseconds> duration(std::string_view key) override;
  std::optional<std::string> path(std::string_view key) override;
  std::optional<std::vector<std::string>> stringList(std::string_view key,
                                                     size_t maxItems) override;
  void fail(std::string_view key, std::string reason) override;
  bool checkFiles() const override { return fields_.checks().secretFiles; }

 private:
  YAML::Node node(std::string_view key) const;
  YAML::Node merge();

  ConfigFields& fields_;
  const YAML::Node orig_;
  const std::string block_;
  const YAML::Node nested_;
  YAML::Node merged_;
};

}  // namespace ptrd
