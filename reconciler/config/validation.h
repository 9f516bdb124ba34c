// validatePaths(): what `ptrd validate` checks (contract §3), so a GitOps pull
// request can validate everything it changes before anything runs.
//
// The paths may hold mapping files and ReconcilerConfig files side by side; they
// are told apart by `kind`. A config is checked as strictly as `plan` reads it
// (every error file:line:col), without reading its secrets or calling anything,
// and the mapping paths it names are loaded with the other mapping files. A file
// reached both directly and through a config is loaded once.
//
//   Validation v = validatePaths({"ptrd.yaml", "mappings/"});
//   for (auto& c : v.configs) ...;      // one entry per config, with its errors
//   if (!v.ok()) return 1;
#pragma once

#include <string>
#include <vector>

#include "reconciler/source/desired_state.h"
#include "core/diagnostic.h"
#include "reconciler/source/mapping_loader.h"

namespace ptrd {

struct ConfigCheck {
  std::string file;
  std::vector<Diagnostic> errors;     // empty: the config is as plan would accept it
  std::vector<std::string> mappings;  // the mapping paths it names (resolved)
};

struct Validation {
  DesiredState mappings;  // every mapping file given or named by a config
  std::vector<ConfigCheck> configs;

  bool ok() const;
};

Validation validatePaths(const std::vector<std::string>& paths, const LoadOptions& options = {});

// Whether the file's text declares `kind: ReconcilerConfig` at the top level of
// a document: a cheap look at the text, so a large mapping file is not parsed
// twice. A wrong guess still ends in an error, never in silence: a config taken
// for mappings is an "unknown kind", mappings taken for a config fail its schema.
bool looksLikeReconcilerConfig(const std::string& text);

}  // namespace ptrd
