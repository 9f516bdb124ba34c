#include "tests/aws_ec2_emulator/query_api.h"

#include <fmt/format.h>
#include <httplib.h>

#include <set>

namespace ptrd::aws_ec2_emulator {
namespace {

AwsRefusal invalid(std::string code, std::string message) {
  return {400, std::move(code), std::move(message)};
}

// "AllocationId.3" matches "AllocationId.N" for N in 1..1000.
bool matchesIndexed(const std::string& name, const std::string& prefix) {
  if (!name.starts_with(prefix + ".")) return false;
  std::string n = name.substr(prefix.size() + 1);
  if (n.empty() || n.size() > 4 || n[0] == '0' ||
      n.find_first_not_of("0123456789") != std::string::npos)
    return false;
  return std::stoi(n) <= 1000;
}

struct ActionSpec {
  std::set<std::string> required;
  std::set<std::string> optional;
  std::set<std::string> indexed;  // Name.N
};

const std::map<std::string, ActionSpec>& actions() {
  static const std::map<std::string, ActionSpec> specs = {
      {"DescribeAddresses", {{}, {"DryRun"}, {"AllocationId", "PublicIp"}}},
      {"DescribeAddressesAttribute",
       {{}, {"Attribute", "MaxResults", "NextToken", "DryRun"}, {"AllocationId"}}},
      {"ModifyAddressAttribute", {{"AllocationId", "DomainName"}, {"DryRun"}, {}}},
      {"ResetAddressAttribute", {{"AllocationId", "Attribute"}, {"DryRun"}, {}}},
  };
  return specs;
}

}  // namespace

std::optional<AwsRefusal> parseForm(const std::string& body, Params& out) {
  size_t at = 0;
  while (at < body.size()) {
    size_t amp = body.find('&', at);
    std::string item = body.substr(at, amp == std::string::npos ? std::string::npos : amp - at);
    at = amp == std::string::npos ? body.size() : amp + 1;
    if (item.empty()) continue;
    size_t eq = item.find('=');
    std::string name = httplib::detail::decode_url(item.substr(0, eq), true);
    std::string value =
        eq == std::string::npos ? "" : httplib::detail::decode_url(item.substr(eq + 1), true);
    if (!out.emplace(name, value).second)
      return invalid("InvalidParameterCombination",
                     fmt::format("The parameter {} is given more than once", name));
  }
  return std::nullopt;
}

std::optional<AwsRefusal> checkParams(const Params& p) {
  auto action = p.find("Action");
  if (action == p.end()) return invalid("MissingAction", "The request must contain an Action");
  auto spec = actions().find(action->second);
  if (spec == actions().end())
    return invalid("InvalidAction",
                   fmt::format("The action {} is not valid for this web service.", action->second));
  auto version = p.find("Version");
  if (version == p.end())
    return invalid("MissingParameter", "The request must contain the parameter Version");
  if (version->second != kVersion)
    return invalid("NoSuchVersion",
                   fmt::format("The requested version ({}) of service AmazonEC2 does not exist",
                               version->second));
  for (const auto& name : spec->second.required)
    if (!p.count(name))
      return invalid("MissingParameter",
                     fmt::format("The request must contain the parameter {}", name));
  for (const auto& [name, value] : p) {
    if (name == "Action" || name == "Version" || spec->second.required.count(name) ||
        spec->second.optional.count(name))
      continue;
    bool indexed = false;
    for (const auto& prefix : spec->second.indexed) indexed |= matchesIndexed(name, prefix);
    if (!indexed)
      return invalid("UnknownParameter", fmt::format("The parameter {} is not recognized", name));
  }
  return std::nullopt;
}

std::string xmlEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string errorXml(const AwsRefusal& r, const std::string& requestId) {
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{}</Code>"
      "<Message>{}</Message></Error></Errors><RequestID>{}</RequestID></Response>",
      xmlEscape(r.code), xmlEscape(r.message), requestId);
}

std::string answerXml(const std::string& action, const std::string& requestId,
                      const std::string& inner) {
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{0}Response "
      "xmlns=\"http://ec2.amazonaws.com/doc/{1}/\">\n    <requestId>{2}</requestId>\n{3}</{0}"
      "Response>",
      action, kVersion, requestId, inner);
}

}  // namespace ptrd::aws_ec2_emulator
