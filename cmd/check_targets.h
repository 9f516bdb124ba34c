// What `ptrd check` audits: IPs from the command line or a file, each with the
// hostname it is declared to have when the input says so.
//
// A file is either a mapping file (*.yaml / *.yml, read by loadMappings) or bulk
// lines: "IP HOSTNAME", "IP,HOSTNAME" or a bare "IP" per line, '#' comments and
// blank lines allowed.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/ip_address.h"

namespace ptrd::cmd {

struct CheckTarget {
  IpAddress ip;
  std::string declared;  // canonical hostname, or empty when nothing is declared
};

// Parses IP arguments; the error names the offending argument.
Result<std::vector<CheckTarget>> targetsFromArguments(const std::vector<std::string>& args);

// Called with each address as it is read, in file order, before repeats are
// dropped or (mapping files) the records sorted: `check` asks DNS about the
// first ones while the rest loads (check_prefetch.h).
using TargetSeen = std::function<void(const IpAddress&)>;

// Reads a file; errors are "file:line:col: reason", one a line.
Result<std::vector<CheckTarget>> targetsFromFile(const std::string& path,
                                                 const TargetSeen& seen = {});

// Every record the mapping files and directories declare (loadMappings); a
// `reset: true` record is checked without a declared name.
Result<std::vector<CheckTarget>> targetsFromMappings(const std::vector<std::string>& paths,
                                                     const TargetSeen& seen = {});

// Drops repeated IPs (the first declaration wins), keeping input order.
std::vector<CheckTarget> dedupeTargets(std::vector<CheckTarget> targets);

}  // namespace ptrd::cmd
