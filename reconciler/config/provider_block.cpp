#include "reconciler/config/provider_block.h"

#include <fmt/format.h>

namespace ptrd {

ProviderBlock::ProviderBlock(ConfigFields& fields, const YAML::Node& orig, std::string block)
    : fields_(fields), orig_(orig), block_(std::move(block)), nested_(orig[block_]) {
  merged_ = merge();
}

void ProviderBlock::allowOnly(const std::vector<std::string>& known) {
  std::vector<std::string> flat{"type"};
  flat.insert(flat.end(), known.begin(), known.end());
  flat.push_back(block_);
  fields_.checkKeyList(orig_, flat, "provider");
  if (nested_ && nested_.IsMap()) fields_.checkKeyList(nested_, known, "provider." + block_);
}

std::optional<std::string> ProviderBlock::string(std::string_view key) {
  return fields_.yaml().scalar(node(key), key, fields_.errors());
}

std::optional<uint64_t> ProviderBlock::integer(std::string_view key, uint64_t min, uint64_t max) {
  return fields_.integer(node(key), key, min, max);
}

std::optional<std::chrono::milliseconds> ProviderBlock::duration(std::string_view key) {
  return fields_.duration(node(key), key);
}

std::optional<std::string> ProviderBlock::path(std::string_view key) {
  auto s = string(key);
  if (!s) return std::nullopt;
  return fields_.resolvePath(*s);
}

std::optional<std::vector<std::string>> ProviderBlock::stringList(std::string_view key,
                                                                  size_t maxItems) {
  const YAML::Node n = node(key);
  if (!n.IsSequence() || n.size() == 0 || n.size() > maxItems) {
    fields_.fail(n, fmt::format("{} must be a list of 1 to {} strings", key, maxItems));
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const auto& item : n) {
    auto s = fields_.yaml().scalar(item, key, fields_.errors());
    if (!s) return std::nullopt;
    out.push_back(std::move(*s));
  }
  return out;
}

void ProviderBlock::fail(std::string_view key, std::string reason) {
  if (key.empty() || !has(key)) return fields_.fail(orig_, std::move(reason));
  fields_.fail(node(key), std::move(reason));
}

YAML::Node ProviderBlock::node(std::string_view key) const {
  const YAML::Node& view = merged_;  // const: a lookup must not add the key
  return view[std::string(key)];
}

YAML::Node ProviderBlock::merge() {
  if (!nested_) return orig_;
  if (!nested_.IsMap()) {
    fields_.fail(nested_, fmt::format("provider.{} must be a mapping", block_));
    return orig_;
  }
  YAML::Node merged(YAML::NodeType::Map);
  for (auto it = orig_.begin(); it != orig_.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() != block_)
      merged[it->first.Scalar()] = it->second;
  }
  for (auto it = nested_.begin(); it != nested_.end(); ++it) {
    if (!it->first.IsScalar()) continue;
    const std::string key = it->first.Scalar();
    const YAML::Node& view = merged;
    if (view[key]) {
      fields_.fail(it->first,
                   fmt::format("{} is given both in provider and in provider.{}", key, block_));
      continue;
    }
    merged[key] = it->second;
  }
  return merged;
}

}  // namespace ptrd
