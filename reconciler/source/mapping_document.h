// Reads one YAML file of `kind: PTRMappings` documents into a DesiredStateBuilder.
//
//   apiVersion: ptrd.io/v1alpha1
//   kind: PTRMappings
//   metadata: {name: mail-fleet}
//   spec: {records: [...], bulk: "...", ranges: [...]}
//
// Structural errors (YAML syntax, unknown apiVersion/kind/field, wrong types) fail
// the whole file: it contributes no records and a file error instead, because a
// typo must never silently drop part of a file. Errors in single entries (a bad IP
// or hostname) make just that entry invalid.
#pragma once

#include <string>
#include <string_view>

#include "reconciler/source/desired_state_builder.h"
#include "reconciler/source/mapping_loader.h"

namespace ptrd {

void loadMappingYaml(const std::string& file, std::string_view text, const LoadOptions& options,
                     DesiredStateBuilder& builder);

}  // namespace ptrd
