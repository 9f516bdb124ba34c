#include "core/host_port.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace ptrd {

Result<HostPort> parseHostPort(std::string_view spec, PortRule rule, int defaultPort) {
  std::string_view host = spec;
  std::string_view portText;
  bool hasPort = false;
  if (!spec.empty() && spec.front() == '[') {
    const auto close = spec.find(']');
    if (close == std::string_view::npos) return Error::permanent("missing ']'");
    host = spec.substr(1, close - 1);
    const std::string_view rest = spec.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return Error::permanent("expected ':PORT' after ']'");
      portText = rest.substr(1);
      hasPort = true;
    }
  } else if (std::count(spec.begin(), spec.end(), ':') == 1) {  // one colon: IPv4:port
    const auto colon = spec.find(':');
    host = spec.substr(0, colon);
    portText = spec.substr(colon + 1);
    hasPort = true;
  } else if (rule == PortRule::kRequired && spec.find(':') != std::string_view::npos) {
    return Error::permanent("an IPv6 address needs brackets before a port, e.g. [::1]:53");
  }
  auto ip = IpAddress::parse(host);
  if (!ip) return Error::permanent(fmt::format("{} (need an IP address)", ip.error().message));
  HostPort out{*ip, defaultPort};
  if (!hasPort) {
    if (rule == PortRule::kRequired) return Error::permanent("no port (need ADDRESS:PORT)");
    return out;
  }
  int port = 0;
  auto [end, ec] = std::from_chars(portText.data(), portText.data() + portText.size(), port);
  if (ec != std::errc() || end != portText.data() + portText.size() || port < 1 || port > 65535)
    return Error::permanent("port must be 1..65535");
  out.port = port;
  return out;
}

}  // namespace ptrd
