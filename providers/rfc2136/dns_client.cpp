#include "providers/rfc2136/dns_client.h"

#include <fmt/format.h>
#include <ldns/ldns.h>
#include <unistd.h>

#include <charconv>
#include <memory>

#include "core/hostname.h"
#include "core/ip_address.h"
#include "providers/rfc2136/rcode.h"

namespace ptrd::providers::rfc2136 {
namespace {

using Clock = std::chrono::steady_clock;

// ldns objects owned RAII-style.
struct PktFree {
  void operator()(ldns_pkt* p) const { ldns_pkt_free(p); }
};
struct RdfFree {
  void operator()(ldns_rdf* r) const { ldns_rdf_deep_free(r); }
};
struct ListFree {
  void operator()(ldns_rr_list* l) const { ldns_rr_list_deep_free(l); }
};
struct BufFree {
  void operator()(ldns_buffer* b) const { ldns_buffer_free(b); }
};
struct Free {
  void operator()(void* p) const { free(p); }
};
using Pkt = std::unique_ptr<ldns_pkt, PktFree>;
using Rdf = std::unique_ptr<ldns_rdf, RdfFree>;
using List = std::unique_ptr<ldns_rr_list, ListFree>;
using Buf = std::unique_ptr<ldns_buffer, BufFree>;
using Wire = std::unique_ptr<uint8_t, Free>;

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

timeval toTimeval(std::chrono::milliseconds ms) {
  if (ms.count() < 1) ms = std::chrono::milliseconds(1);
  return timeval{static_cast<time_t>(ms.count() / 1000),
                 static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

std::string str(const ldns_rdf* rdf) {
  char* s = ldns_rdf2str(rdf);
  std::string out = s != nullptr ? s : "";
  free(s);
  return out;
}

Rdf dname(const std::string& name) {
  return Rdf(ldns_dname_new_frm_str(name.c_str()));
}

// The TSIG error field of a reply (RFC 8945 §4.2), 0 without a TSIG record.
int tsigError(const ldns_pkt* p) {
  const ldns_rr* t = ldns_pkt_tsig(p);
  if (t == nullptr || ldns_rr_rd_count(t) < 6) return 0;
  return ldns_rdf2native_int16(ldns_rr_rdf(t, 5));
}

// Owner TTL CLASS PTR [target]: without a target, an RDATA-less record (class
// NONE or ANY in prerequisites and deletions, RFC 2136 §2.4, §2.5).
ldns_rr* ptrRecord(const std::string& owner, uint32_t ttl, ldns_rr_class cls,
                   const std::string& target) {
  ldns_rr* rr = ldns_rr_new();
  ldns_rr_set_owner(rr, ldns_dname_new_frm_str(owner.c_str()));
  ldns_rr_set_type(rr, LDNS_RR_TYPE_PTR);
  ldns_rr_set_class(rr, cls);
  ldns_rr_set_ttl(rr, ttl);
  if (!target.empty()) ldns_rr_push_rdf(rr, ldns_dname_new_frm_str(target.c_str()));
  return rr;
}

// A connected TCP socket, or why not.
Result<std::unique_ptr<Socket>> connectTo(const ServerAddress& server,
                                          std::chrono::milliseconds timeout, sockaddr_storage& to,
                                          size_t& toLen) {
  Rdf addr(ldns_rdf_new_frm_str(
      IpAddress::parse(server.ip)->isV4() ? LDNS_RDF_TYPE_A : LDNS_RDF_TYPE_AAAA,
      server.ip.c_str()));
  if (!addr) return Error::permanent(fmt::format("server {}: not an IP address", server.str()));
  sockaddr_storage* ss = ldns_rdf2native_sockaddr_storage(addr.get(), server.port, &toLen);
  if (ss == nullptr)
    return Error::permanent(fmt::format("server {}: not an IP address", server.str()));
  to = *ss;
  free(ss);
  int fd = ldns_tcp_connect2(&to, socklen_t(toLen), toTimeval(timeout));
  if (fd < 0) return Error::transient(fmt::format("cannot connect to {} over TCP", server.str()));
  return std::make_unique<Socket>(fd);
}

Status sendPkt(const Socket& sock, const ldns_pkt* pkt, const sockaddr_storage& to, size_t toLen,
               const std::string& what) {
  Buf buf(ldns_buffer_new(LDNS_MAX_PACKETLEN));
  if (!buf || ldns_pkt2buffer_wire(buf.get(), pkt) != LDNS_STATUS_OK)
    return Error::permanent(fmt::format("{}: cannot encode the message", what));
  if (ldns_buffer_position(buf.get()) > 65535)
    return Error::permanent(fmt::format("{}: the message is larger than 64 KiB", what));
  if (ldns_tcp_send_query(buf.get(), sock.fd(), &to, socklen_t(toLen)) == 0)
    return Error::transient(fmt::format("{}: sending failed", what));
  return okStatus();
}

Status sign(ldns_pkt* pkt, const TsigKey& key, const std::string& what) {
  ldns_pkt_set_random_id(pkt);
  if (ldns_pkt_tsig_sign(pkt, key.name.c_str(), key.secret.c_str(), 300, key.wireAlgorithm.c_str(),
                         nullptr) != LDNS_STATUS_OK)
    return Error::permanent(fmt::format("{}: cannot sign with TSIG key \"{}\"", what, key.name));
  return okStatus();
}

Pkt buildUpdate(const std::string& zone, const std::vector<PtrUpdate>& changes, uint32_t ttl) {
  List prereq(ldns_rr_list_new()), updates(ldns_rr_list_new());
  for (const auto& c : changes) {
    if (c.expected.empty()) {
      ldns_rr_list_push_rr(prereq.get(), ptrRecord(c.owner, 0, LDNS_RR_CLASS_NONE, ""));  // §2.4.3
    } else {
      for (const auto& e : c.expected)  // §2.4.2: the RRset is exactly these records
        ldns_rr_list_push_rr(prereq.get(), ptrRecord(c.owner, 0, LDNS_RR_CLASS_IN, e));
    }
    ldns_rr_list_push_rr(updates.get(), ptrRecord(c.owner, 0, LDNS_RR_CLASS_ANY, ""));  // §2.5.2
    if (!c.target.empty())
      ldns_rr_list_push_rr(updates.get(), ptrRecord(c.owner, ttl, LDNS_RR_CLASS_IN, c.target));
  }
  Pkt p(ldns_update_pkt_new(ldns_dname_new_frm_str(zone.c_str()), LDNS_RR_CLASS_IN, prereq.get(),
                            updates.get(), nullptr));
  if (p) ldns_pkt_set_rd(p.get(), false);
  return p;
}

}  // namespace

Result<ServerAddress> ServerAddress::parse(std::string_view text) {
  ServerAddress s;
  std::string_view host = text, port;
  if (text.starts_with('[')) {
    const size_t close = text.find(']');
    if (close == std::string_view::npos)
      return Error::permanent(fmt::format("server \"{}\": missing ]", text));
    host = text.substr(1, close - 1);
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (!rest.starts_with(':'))
        return Error::permanent(fmt::format("server \"{}\": expected :PORT after ]", text));
      port = rest.substr(1);
    }
  } else if (text.find(':') != text.rfind(':')) {
    host = text;  // a bare IPv6 address
  } else if (const size_t colon = text.find(':'); colon != std::string_view::npos) {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  auto ip = IpAddress::parse(host);
  if (!ip) {
    return Error::permanent(
        fmt::format("server \"{}\": {} is not an IP address (the primary's address, "
                    "e.g. 192.0.2.53:53)",
                    text, host));
  }
  s.ip = ip->str();
  if (!port.empty() || text.ends_with(':')) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), v);
    if (ec != std::errc() || p != port.data() + port.size() || v == 0 || v > 65535)
      return Error::permanent(fmt::format("server \"{}\": port must be 1-65535", text));
    s.port = uint16_t(v);
  }
  return s;
}

std::string ServerAddress::str() const {
  return ip.find(':') != std::string::npos ? fmt::format("[{}]:{}", ip, port)
                                           : fmt::format("{}:{}", ip, port);
}

DnsClient::DnsClient(ServerAddress server, TsigKey key, std::chrono::milliseconds requestTimeout,
                     std::chrono::milliseconds transferTimeout, TransferLimits limits)
    : server_(std::move(server)),
      key_(std::move(key)),
      requestTimeout_(requestTimeout),
      transferTimeout_(transferTimeout),
      limits_(limits) {}

Result<std::vector<ZonePtr>> DnsClient::transferPtrs(const std::string& zone) {
  const std::string what = fmt::format("AXFR of zone {} from {}", zone, server_.str());
  const auto deadline = Clock::now() + transferTimeout_;
  Pkt query(ldns_pkt_query_new(ldns_dname_new_frm_str(zone.c_str()), LDNS_RR_TYPE_AXFR,
                               LDNS_RR_CLASS_IN, 0));
  if (!query) return Error::permanent(fmt::format("{}: cannot build the query", what));
  if (auto s = sign(query.get(), key_, what); !s) return s.error();
  Rdf mac(ldns_rdf_clone(ldns_rr_rdf(ldns_pkt_tsig(query.get()), 3)));

  sockaddr_storage to{};
  size_t toLen = 0;
  auto sock = connectTo(server_, requestTimeout_, to, toLen);
  if (!sock) return Error{fmt::format("{}: {}", what, sock.error().message), sock.error().kind};
  if (auto s = sendPkt(**sock, query.get(), to, toLen, what); !s) return s.error();

  Rdf zoneName = dname(zone);
  std::vector<ZonePtr> out;
  size_t records = 0, soas = 0;
  for (size_t messages = 0; soas < 2; ++messages) {
    if (messages >= limits_.maxMessages)
      return Error::permanent(fmt::format("{}: more than {} messages (the bound on one transfer)",
                                          what, limits_.maxMessages));
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0)
      return Error::transient(
          fmt::format("{}: not complete after {} ms", what, transferTimeout_.count()));
    size_t size = 0;
    Wire wire(ldns_tcp_read_wire_timeout((*sock)->fd(), &size,
                                         toTimeval(std::min(left, requestTimeout_))));
    if (!wire) {
      return Error::transient(
          fmt::format("{}: the connection closed or timed out before the closing SOA "
                      "({} records read)",
                      what, records));
    }
    ldns_pkt* raw = nullptr;
    if (ldns_wire2pkt(&raw, wire.get(), size) != LDNS_STATUS_OK)
      return Error::transient(fmt::format("{}: a reply message does not parse", what));
    Pkt reply(raw);
    if (ldns_pkt_id(reply.get()) != ldns_pkt_id(query.get()))
      return Error::transient(fmt::format("{}: a reply carries another message id", what));
    if (auto s = classifyTransferReply(ldns_pkt_get_rcode(reply.get()), tsigError(reply.get()),
                                       key_.name, zone);
        !s)
      return s.error();
    // Every message signed, each chained to the previous MAC (RFC 8945 §5.3.1).
    const ldns_rr* tsig = ldns_pkt_tsig(reply.get());
    const bool verified =
        tsig != nullptr &&
        (messages == 0 ? ldns_pkt_tsig_verify(reply.get(), wire.get(), size, key_.name.c_str(),
                                              key_.secret.c_str(), mac.get())
                       : ldns_pkt_tsig_verify_next(reply.get(), wire.get(), size, key_.name.c_str(),
                                                   key_.secret.c_str(), mac.get(), 1));
    if (!verified) {
      return Error::transient(
          fmt::format("{}: reply message {} is not signed with TSIG key \"{}\" or its "
                      "signature does not verify",
                      what, messages + 1, key_.name));
    }
    mac.reset(ldns_rdf_clone(ldns_rr_rdf(ldns_pkt_tsig(reply.get()), 3)));

    const ldns_rr_list* answer = ldns_pkt_answer(reply.get());
    for (size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i) {
      const ldns_rr* rr = ldns_rr_list_rr(answer, i);
      if (soas >= 2)
        return Error::transient(fmt::format("{}: records after the closing SOA", what));
      if (++records > limits_.maxRecords)
        return Error::permanent(fmt::format("{}: more than {} records (the bound on one zone)",
                                            what, limits_.maxRecords));
      if (records == 1 && (ldns_rr_get_type(rr) != LDNS_RR_TYPE_SOA ||
                           ldns_dname_compare(ldns_rr_owner(rr), zoneName.get()) != 0))
        return Error::transient(
            fmt::format("{}: the transfer does not start with the zone's SOA", what));
      if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA) {
        ++soas;
      } else if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_PTR &&
                 ldns_rr_get_class(rr) == LDNS_RR_CLASS_IN && ldns_rr_rd_count(rr) == 1) {
        out.push_back(
            {canonicalName(str(ldns_rr_owner(rr))), canonicalDnsName(str(ldns_rr_rdf(rr, 0)))});
      }
    }
  }
  return out;
}

Result<size_t> DnsClient::updateSize(const std::string& zone, const std::vector<PtrUpdate>& changes,
                                     uint32_t ttl) {
  Pkt p = buildUpdate(zone, changes, ttl);
  if (!p) return Error::permanent(fmt::format("UPDATE of zone {}: cannot build the message", zone));
  Buf buf(ldns_buffer_new(LDNS_MAX_PACKETLEN));
  if (!buf || ldns_pkt2buffer_wire(buf.get(), p.get()) != LDNS_STATUS_OK)
    return Error::permanent(fmt::format("UPDATE of zone {}: cannot encode the message", zone));
  // The TSIG record adds its owner, algorithm and MAC (at most ~200 bytes).
  return ldns_buffer_position(buf.get()) + 256;
}

Result<DnsClient::UpdateReply> DnsClient::update(const std::string& zone,
                                                 const std::vector<PtrUpdate>& changes,
                                                 uint32_t ttl) {
  const std::string what = fmt::format("UPDATE of zone {} at {}", zone, server_.str());
  Pkt p = buildUpdate(zone, changes, ttl);
  if (!p) return Error::permanent(fmt::format("{}: cannot build the message", what));
  if (auto s = sign(p.get(), key_, what); !s) return s.error();
  Rdf mac(ldns_rdf_clone(ldns_rr_rdf(ldns_pkt_tsig(p.get()), 3)));

  sockaddr_storage to{};
  size_t toLen = 0;
  auto sock = connectTo(server_, requestTimeout_, to, toLen);
  if (!sock) return Error{fmt::format("{}: {}", what, sock.error().message), sock.error().kind};
  if (auto s = sendPkt(**sock, p.get(), to, toLen, what); !s) return s.error();
  size_t size = 0;
  Wire wire(ldns_tcp_read_wire_timeout((*sock)->fd(), &size, toTimeval(requestTimeout_)));
  // Sent but unanswered: the server may have applied it. The error says so; the
  // next pass reads the zone again and sees.
  if (!wire)
    return Error::transient(
        fmt::format("{}: no reply within {} ms (the update may or may not have been "
                    "applied)",
                    what, requestTimeout_.count()));
  ldns_pkt* raw = nullptr;
  if (ldns_wire2pkt(&raw, wire.get(), size) != LDNS_STATUS_OK)
    return Error::transient(fmt::format("{}: the reply does not parse", what));
  Pkt reply(raw);
  if (ldns_pkt_id(reply.get()) != ldns_pkt_id(p.get()))
    return Error::transient(fmt::format("{}: the reply carries another message id", what));
  UpdateReply r{ldns_pkt_get_rcode(reply.get()), tsigError(reply.get())};
  // A server that refuses the key cannot sign its answer (RFC 8945 §5.3.2):
  // report its rcode as it is; only a success must carry a valid signature.
  if (r.rcode == LDNS_RCODE_NOERROR && r.tsigError == 0) {
    if (ldns_pkt_tsig(reply.get()) == nullptr ||
        !ldns_pkt_tsig_verify(reply.get(), wire.get(), size, key_.name.c_str(), key_.secret.c_str(),
                              mac.get()))
      return Error::transient(
          fmt::format("{}: the reply's TSIG signature does not verify (the update may or may "
                      "not have been applied)",
                      what));
  }
  return r;
}

}  // namespace ptrd::providers::rfc2136
