// DnsClient: the two DNS conversations of the rfc2136 provider, through ldns
// (message building, TSIG signing and verification are ldns's, not ours):
//
//   transferPtrs  a TSIG-signed AXFR over TCP; every reply message's TSIG is
//                 verified (RFC 8945 §5.3.1), the stream must start and end with
//                 the zone's SOA, and what it takes in is bounded.
//   update        one TSIG-signed UPDATE (RFC 2136) over TCP, whose reply's
//                 TSIG is verified. TCP always: a batch rarely fits the 512 bytes
//                 of plain UDP, the reply of a UDP UPDATE that got lost leaves the
//                 batch's fate unknown, and one connection per zone per batch costs
//                 nothing next to the server's own work.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "providers/rfc2136/tsig_key.h"

namespace ptrd::providers::rfc2136 {

struct ServerAddress {
  std::string ip;  // an IPv4 or IPv6 literal
  uint16_t port = 53;
  // "127.0.0.1:53", "[::1]:5353", "192.0.2.1" (port 53); the error says why not.
  static Result<ServerAddress> parse(std::string_view text);
  std::string str() const;
};

struct ZonePtr {
  std::string owner;   // canonical
  std::string target;  // canonical
};

struct TransferLimits {
  size_t maxRecords = 10'000'000;  // resource records in one zone
  size_t maxMessages = 1'000'000;  // reply messages of one AXFR (each <= 64 KiB)
};

// One PTR change of an UPDATE: the name must hold exactly `expected` (nothing
// when empty), then holds `target` (nothing when empty).
struct PtrUpdate {
  std::string owner;
  std::vector<std::string> expected;
  std::string target;
};

class DnsClient {
 public:
  DnsClient(ServerAddress server, TsigKey key, std::chrono::milliseconds requestTimeout,
            std::chrono::milliseconds transferTimeout, TransferLimits limits = {});

  // Every PTR record of the zone. An Error when the zone cannot be read whole.
  Result<std::vector<ZonePtr>> transferPtrs(const std::string& zone);

  struct UpdateReply {
    int rcode = 0;
    int tsigError = 0;
  };
  // Sends one UPDATE. An Error only when no verified reply came (network, a
  // reply whose signature does not verify, a message too large).
  Result<UpdateReply> update(const std::string& zone, const std::vector<PtrUpdate>& changes,
                             uint32_t ttl);

  // The UPDATE's size on the wire, to split a batch that would not fit 64 KiB.
  Result<size_t> updateSize(const std::string& zone, const std::vector<PtrUpdate>& changes,
                            uint32_t ttl);

  const TsigKey& key() const { return key_; }
  const ServerAddress& server() const { return server_; }

 private:
  ServerAddress server_;
  TsigKey key_;
  std::chrono::milliseconds requestTimeout_;
  std::chrono::milliseconds transferTimeout_;
  TransferLimits limits_;
};

}  // namespace ptrd::providers::rfc2136
