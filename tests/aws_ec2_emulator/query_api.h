// The EC2 Query API's envelope, as strict as EC2: form-encoded parameters with
// no duplicates, the actions the emulator knows with the parameters each takes
// (anything else is AWS's UnknownParameter / MissingParameter / InvalidAction /
// NoSuchVersion), and the XML answers and error documents.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "tests/aws_ec2_emulator/signature_check.h"

namespace ptrd::aws_ec2_emulator {

using Params = std::map<std::string, std::string>;

inline constexpr const char* kVersion = "2016-11-15";

// Decodes an application/x-www-form-urlencoded body.
std::optional<AwsRefusal> parseForm(const std::string& body, Params& out);
// Action, Version and every parameter checked against what the action takes.
std::optional<AwsRefusal> checkParams(const Params& p);

std::string xmlEscape(std::string_view text);
// <Response><Errors><Error><Code>..</Code><Message>..</Message></Error></Errors>...
std::string errorXml(const AwsRefusal& r, const std::string& requestId);
// <{action}Response xmlns=...><requestId>..</requestId>{inner}</{action}Response>
std::string answerXml(const std::string& action, const std::string& requestId,
                      const std::string& inner);

}  // namespace ptrd::aws_ec2_emulator
