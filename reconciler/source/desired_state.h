// DesiredState: what the mapping files declare, after validation and merging.
//
// Built by loadMappings() (mapping_loader.h). Every valid declaration becomes one
// DesiredRecord per IP (sorted by address); every declaration that failed
// validation is kept as an InvalidDeclaration (with its IP when that much parsed)
// so that plans can report it as `invalid` with file:line. A file that failed to
// load as a whole is a fileError: callers must then treat the desired state as
// incomplete (contract §1: a broken file never means "nothing is desired").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/diagnostic.h"
#include "core/ip_address.h"

namespace ptrd {

enum class DeclarationKind : uint8_t { kRecord, kBulk, kRange };

struct DesiredRecord {
  IpAddress ip;
  std::string hostname;  // canonical (lower case, trailing dot); empty when reset
  bool reset = false;
  DeclarationKind kind = DeclarationKind::kRecord;
  uint32_t source = 0;  // index into DesiredState::sources
  uint32_t line = 0;
  uint32_t column = 0;
};

struct InvalidDeclaration {
  std::optional<IpAddress> ip;  // set when the address itself parsed
  Diagnostic diagnostic;
};

struct SourceSummary {
  std::string file;
  std::string name;  // metadata.name, or the file name for bulk files
  uint64_t valid = 0;
  uint64_t invalid = 0;
  uint64_t duplicates = 0;  // identical repeats (harmless, counted like the portal)
};

struct DesiredState {
  std::vector<SourceSummary> sources;
  std::vector<DesiredRecord> records;       // one per IP, sorted by IP
  std::vector<InvalidDeclaration> invalid;  // in file order
  std::vector<Diagnostic> fileErrors;       // files that failed to load as a whole

  bool complete() const { return fileErrors.empty(); }
  bool hasErrors() const { return !fileErrors.empty() || !invalid.empty(); }
  uint64_t duplicates() const;
  SourceLocation where(const DesiredRecord& r) const {
    return SourceLocation{sources[r.source].file, r.line, r.column};
  }
  // The record for ip, or nullptr (binary search).
  const DesiredRecord* find(const IpAddress& ip) const;
};

}  // namespace ptrd
