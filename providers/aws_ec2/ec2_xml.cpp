#include "providers/aws_ec2/ec2_xml.h"

#include <expat.h>
#include <fmt/format.h>

#include <memory>

#include "core/hostname.h"
#include "core/ip_address.h"

namespace ptrd::providers::aws_ec2 {
namespace {

std::string trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

struct Builder {
  XML_Parser parser = nullptr;
  XmlNode root;
  std::vector<XmlNode*> stack;
  size_t elements = 0;
  std::string error;

  void stop(std::string why) {
    if (error.empty()) error = std::move(why);
    XML_StopParser(parser, XML_FALSE);
  }
};

void onStart(void* data, const XML_Char* name, const XML_Char**) {
  auto* b = static_cast<Builder*>(data);
  if (!b->error.empty()) return;
  if (++b->elements > kMaxXmlElements)
    return b->stop(fmt::format("more than {} elements", kMaxXmlElements));
  std::string_view n(name);
  if (size_t colon = n.rfind(':'); colon != std::string_view::npos) n.remove_prefix(colon + 1);
  if (b->stack.empty()) {
    b->root.name = std::string(n);
    b->stack.push_back(&b->root);
    return;
  }
  if (b->stack.size() >= kMaxXmlDepth)
    return b->stop(fmt::format("elements nested deeper than {}", kMaxXmlDepth));
  auto& kids = b->stack.back()->children;
  kids.push_back(XmlNode{std::string(n), {}, {}});
  b->stack.push_back(&kids.back());
}

void onEnd(void* data, const XML_Char*) {
  auto* b = static_cast<Builder*>(data);
  if (!b->stack.empty()) b->stack.pop_back();
}

void onText(void* data, const XML_Char* s, int len) {
  auto* b = static_cast<Builder*>(data);
  if (!b->error.empty() || b->stack.empty()) return;
  XmlNode* node = b->stack.back();
  // The indentation between a list's items is no content: kept, it would add up
  // past the text bound on a long list.
  std::string_view chunk(s, static_cast<size_t>(len));
  if (!node->children.empty() && chunk.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return;
  std::string& t = node->text;
  if (t.size() + static_cast<size_t>(len) > kMaxXmlText)
    return b->stop(fmt::format("an element's text is longer than {} bytes", kMaxXmlText));
  t.append(s, static_cast<size_t>(len));
}

// A DTD is how entities get declared (and expanded a billion times): none is taken.
void onDoctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*, int) {
  static_cast<Builder*>(data)->stop("a DOCTYPE declaration (refused)");
}

Result<XmlNode> parseRoot(std::string_view body, std::string_view what, std::string_view rootName) {
  auto doc = parseXml(body);
  if (!doc) return Error::transient(fmt::format("EC2 API {}: {}", what, doc.error().message));
  if (doc->name != rootName)
    return Error::transient(
        fmt::format("EC2 API {}: the answer is <{}>, not <{}>", what, doc->name, rootName));
  return doc;
}

Result<PtrAttribute> readAttribute(const XmlNode& item, std::string_view what) {
  PtrAttribute a;
  auto ip = IpAddress::parse(item.childText("publicIp"));
  if (!ip || !ip->isV4())
    return Error::transient(fmt::format("EC2 API {}: an item without a valid publicIp ({:.64})",
                                        what, item.childText("publicIp")));
  a.ip = ip->str();
  a.allocationId = item.childText("allocationId");
  a.ptr = canonicalDnsName(item.childText("ptrRecord"));
  if (const XmlNode* u = item.child("ptrRecordUpdate")) {
    a.updateStatus = u->childText("status");
    a.updating = !a.updateStatus.empty();
    a.updateValue = canonicalDnsName(u->childText("value"));
    a.updateReason = u->childText("reason");
  }
  return a;
}

}  // namespace

const XmlNode* XmlNode::child(std::string_view childName) const {
  for (const auto& c : children)
    if (c.name == childName) return &c;
  return nullptr;
}

std::string XmlNode::childText(std::string_view childName) const {
  const XmlNode* c = child(childName);
  return c ? trim(c->text) : "";
}

Result<XmlNode> parseXml(std::string_view body) {
  Builder b;
  std::unique_ptr<std::remove_pointer_t<XML_Parser>, decltype(&XML_ParserFree)> parser(
      XML_ParserCreate("UTF-8"), &XML_ParserFree);
  if (!parser) return Error::permanent("XML parser: out of memory");
  b.parser = parser.get();
  XML_SetUserData(b.parser, &b);
  XML_SetElementHandler(b.parser, onStart, onEnd);
  XML_SetCharacterDataHandler(b.parser, onText);
  XML_SetStartDoctypeDeclHandler(b.parser, onDoctype);
  XML_SetParamEntityParsing(b.parser, XML_PARAM_ENTITY_PARSING_NEVER);
  if (body.size() > size_t(INT32_MAX)) return Error::permanent("XML answer too large");
  if (XML_Parse(b.parser, body.data(), static_cast<int>(body.size()), XML_TRUE) ==
      XML_STATUS_ERROR) {
    if (!b.error.empty()) return Error::permanent(fmt::format("malformed XML: {}", b.error));
    return Error::permanent(fmt::format("malformed XML at line {}: {}",
                                        XML_GetCurrentLineNumber(b.parser),
                                        XML_ErrorString(XML_GetErrorCode(b.parser))));
  }
  if (!b.error.empty()) return Error::permanent(fmt::format("malformed XML: {}", b.error));
  if (b.root.name.empty()) return Error::permanent("malformed XML: no element");
  return std::move(b.root);
}

std::optional<Ec2Error> parseError(std::string_view body) {
  auto doc = parseXml(body);
  if (!doc || doc->name != "Response") return std::nullopt;
  const XmlNode* errors = doc->child("Errors");
  const XmlNode* e = errors ? errors->child("Error") : nullptr;
  if (!e || e->childText("Code").empty()) return std::nullopt;
  return Ec2Error{e->childText("Code"), e->childText("Message")};
}

Result<AddressPage> parseAddresses(std::string_view body) {
  constexpr std::string_view what = "DescribeAddresses";
  auto doc = parseRoot(body, what, "DescribeAddressesResponse");
  if (!doc) return doc.error();
  const XmlNode* set = doc->child("addressesSet");
  if (!set)
    return Error::transient(fmt::format("EC2 API {}: the answer has no addressesSet", what));
  AddressPage page;
  for (const XmlNode& item : set->children) {
    if (item.name != "item")
      return Error::transient(
          fmt::format("EC2 API {}: unexpected <{}> in addressesSet", what, item.name));
    auto ip = IpAddress::parse(item.childText("publicIp"));
    if (!ip || !ip->isV4())
      return Error::transient(fmt::format("EC2 API {}: an item without a valid publicIp ({:.64})",
                                          what, item.childText("publicIp")));
    std::string id = item.childText("allocationId");
    if (id.empty()) continue;  // EC2-Classic: no allocation, no PTR to manage
    page.addresses.push_back({ip->str(), std::move(id)});
  }
  page.nextToken = doc->childText("nextToken");
  return page;
}

Result<AttributePage> parseAttributes(std::string_view body) {
  constexpr std::string_view what = "DescribeAddressesAttribute";
  auto doc = parseRoot(body, what, "DescribeAddressesAttributeResponse");
  if (!doc) return doc.error();
  AttributePage page;
  // An account whose addresses carry no PTR answers without an addressSet.
  if (const XmlNode* set = doc->child("addressSet")) {
    for (const XmlNode& item : set->children) {
      if (item.name != "item")
        return Error::transient(
            fmt::format("EC2 API {}: unexpected <{}> in addressSet", what, item.name));
      auto a = readAttribute(item, what);
      if (!a) return a.error();
      if (a->allocationId.empty())
        return Error::transient(fmt::format("EC2 API {}: {} has no allocationId", what, a->ip));
      page.attributes.push_back(std::move(*a));
    }
  }
  page.nextToken = doc->childText("nextToken");
  return page;
}

Result<PtrAttribute> parseAddressAnswer(std::string_view body) {
  constexpr std::string_view what = "changing a PTR";
  auto doc = parseXml(body);
  if (!doc) return Error::transient(fmt::format("EC2 API {}: {}", what, doc.error().message));
  if (doc->name != "ModifyAddressAttributeResponse" && doc->name != "ResetAddressAttributeResponse")
    return Error::transient(fmt::format("EC2 API {}: unexpected answer <{}>", what, doc->name));
  const XmlNode* address = doc->child("address");
  if (!address) return Error::transient(fmt::format("EC2 API {}: the answer has no address", what));
  return readAttribute(*address, what);
}

std::string defaultPtr(const std::string& ip, const std::string& region) {
  std::string dashed = ip;
  for (char& c : dashed)
    if (c == '.') c = '-';
  if (region == "us-east-1") return fmt::format("ec2-{}.compute-1.amazonaws.com.", dashed);
  return fmt::format("ec2-{}.{}.compute.amazonaws.com.", dashed, region);
}

}  // namespace ptrd::providers::aws_ec2
