// SettingsReader: how a provider reads its own block of the config file
// (contract §6) without knowing YAML or where the file lives.
//
// The config reader (reconciler/config) implements it over the `provider:`
// mapping, with the provider's nested block (`noc: {...}`) merged into the flat
// keys, so a provider reads `url` the same way whichever form the user wrote.
// Every failure it reports lands as a `file:line:col` error at the value (or at
// the block when the key is absent); the readers return nullopt after one.
//
//   void readNoc(SettingsReader& in, ProviderConfig& out) {
//     in.allowOnly({"url", "tokenFile", "batchSize"});
//     readUrl(in, out);
//     if (auto v = in.integer("batchSize", 1, 500)) out.batchSize = *v;
//   }
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "providers/provider.h"

namespace ptrd::providers {

class SettingsReader {
 public:
  virtual ~SettingsReader() = default;
  // Keys outside `known` (besides `type` and the nested block's own name) are
  // errors, each at the key, naming the known ones.
  virtual void allowOnly(const std::vector<std::string>& known) = 0;
  virtual bool has(std::string_view key) const = 0;
  virtual std::optional<std::string> string(std::string_view key) = 0;
  // A plain whole number in [min, max] (a quoted "20" is a string).
  virtual std::optional<uint64_t> integer(std::string_view key, uint64_t min, uint64_t max) = 0;
  // "30s", "5m", "1h30m"; longer than zero.
  virtual std::optional<std::chrono::milliseconds> duration(std::string_view key) = 0;
  // A path, resolved against the config file's directory.
  virtual std::optional<std::string> path(std::string_view key) = 0;
  // A sequence of 1..maxItems strings (`zones: [a, b]`).
  virtual std::optional<std::vector<std::string>> stringList(std::string_view key,
                                                             size_t maxItems) = 0;
  // Reports `reason` at the key's value, or at the block when the key is absent.
  virtual void fail(std::string_view key, std::string reason) = 0;
  // True when secret files should be checked to exist (`ptrd validate`); parsing
  // config text alone (tests, fuzzing) looks at no file.
  virtual bool checkFiles() const = 0;
};

// Readers every provider shares, so the same mistake reads the same everywhere.
// `url`: http:// or https://; required when defaultUrl is empty (the hosting
// platforms default to their real API, tests point it at an emulator).
void readUrl(SettingsReader& in, ProviderConfig& out, std::string_view defaultUrl = {});
// The secret file under `key` (required): its resolved path, or nullopt after
// reporting. With checkFiles() it must exist and be a regular file; it is never
// opened here (`ptrd validate` must not read secrets).
std::optional<std::string> readSecretPath(SettingsReader& in, std::string_view key,
                                          const std::string& type);
// readSecretPath for a provider's one secret: the path goes to out.apiKeyFile.
void readSecretFile(SettingsReader& in, std::string_view key, const std::string& type,
                    ProviderConfig& out);
// caFile, requestTimeout: the HTTP client's settings.
void readHttpSettings(SettingsReader& in, ProviderConfig& out);
// `key` given for a provider it does not belong to: "<key> is not a <type> setting<hint>".
void rejectForeignKey(SettingsReader& in, std::string_view key, const std::string& type,
                      std::string_view hint = {});

}  // namespace ptrd::providers
