// The EC2 Query API's XML answers, parsed strictly and within bounds.
//
// parseXml() builds a small element tree with expat: no DTD is accepted (so no
// entity is ever expanded), depth, element count and text size are bounded,
// and anything malformed is an Error naming what was wrong. The readers below
// take the shapes of the 2016-11-15 API (element names as botocore's EC2 model
// gives them) and refuse answers that lack what they need: a failed read is an
// Error, never "no addresses".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace ptrd::providers::aws_ec2 {

struct XmlNode {
  std::string name;  // local name, namespace prefix dropped
  std::string text;  // character data directly inside, untrimmed
  std::vector<XmlNode> children;

  const XmlNode* child(std::string_view childName) const;
  // The child's text trimmed, "" when it is absent.
  std::string childText(std::string_view childName) const;
};

inline constexpr size_t kMaxXmlDepth = 16;
inline constexpr size_t kMaxXmlElements = 1'000'000;
inline constexpr size_t kMaxXmlText = 4096;  // per element: names, ids, messages

Result<XmlNode> parseXml(std::string_view body);

// <Response><Errors><Error><Code>..</Code><Message>..</Message>: the first error.
struct Ec2Error {
  std::string code;
  std::string message;
};
std::optional<Ec2Error> parseError(std::string_view body);

struct ElasticIp {
  std::string ip;  // canonical IPv4
  std::string allocationId;
};

// DescribeAddresses: Elastic IPv4 addresses with an allocation id. Addresses of
// EC2-Classic (no allocation id) cannot carry a PTR and are left out.
struct AddressPage {
  std::vector<ElasticIp> addresses;
  std::string nextToken;  // "" on the last page
};
Result<AddressPage> parseAddresses(std::string_view body);

// One AddressAttribute: the PTR and any update in flight.
struct PtrAttribute {
  std::string ip;
  std::string allocationId;
  std::string ptr;           // canonical; "" when none
  bool updating = false;     // a PtrRecordUpdate with a non-empty status
  std::string updateValue;   // canonical
  std::string updateStatus;  // "PENDING", or how it ended
  std::string updateReason;
};

// DescribeAddressesAttribute (Attribute=domain-name).
struct AttributePage {
  std::vector<PtrAttribute> attributes;
  std::string nextToken;
};
Result<AttributePage> parseAttributes(std::string_view body);

// ModifyAddressAttribute / ResetAddressAttribute: the <address> they answer with.
Result<PtrAttribute> parseAddressAnswer(std::string_view body);

// AWS's own name for an Elastic IP: ec2-a-b-c-d.<region>.compute.amazonaws.com.,
// ec2-a-b-c-d.compute-1.amazonaws.com. in us-east-1.
std::string defaultPtr(const std::string& ip, const std::string& region);

}  // namespace ptrd::providers::aws_ec2
