// The DNS lab every integration test of the observation path shares: one NSD on
// loopback serving a fixture for each FCrDNS verdict and each lookup outcome.
//
//   IP              PTR                      forward                 verdict
//   192.0.2.10      mail.example.com.        A 192.0.2.10            confirmed
//   192.0.2.11      other.example.com.       A 192.0.2.99            forward_mismatch
//   192.0.2.12      missing.example.com.     (NXDOMAIN)              forward_missing
//   192.0.2.13      txtonly.example.com.     (NODATA: only TXT)      forward_missing
//   192.0.2.14      a. and b.example.com.    both A 192.0.2.14       multiple_ptr
//   192.0.2.15      (NXDOMAIN)                                       no_ptr
//   192.0.2.16      (NODATA: only TXT)                               no_ptr
//   192.0.2.17      alias.example.com.       CNAME c2 -> real, A     confirmed
//   192.0.2.18      www.servfail.test.       (SERVFAIL zone)         lookup_error
//   192.0.2.19      host.unserved.test.      (REFUSED)               lookup_error
//   192.0.2.20      big.example.com.         40 A records (TCP)      confirmed
//   192.0.2.21      out.example.com.         CNAME to unserved.test  lookup_error (2nd query
//   REFUSED) 192.0.2.22      loop1.example.com.       CNAME loop              lookup_error
//   192.0.2.23      30 long names (TCP)                              multiple_ptr
//   192.0.2.30      CNAME (RFC 2317) -> classless.example.com.       confirmed
//   192.0.3.1       (reverse zone SERVFAIL)                          lookup_error
//   198.51.100.1    (reverse zone not served: REFUSED)               lookup_error
//   2001:db8::25    mail6.example.com.       AAAA 2001:db8::25       confirmed
//   2001:db8::26    mail.example.com.        (only A: NODATA)        forward_missing
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/ip_address.h"
#include "tests/lab/nsd_server.h"

namespace ptrd::testing {

inline std::string rev(const char* ip) {
  return IpAddress::parse(ip)->reverseName();
}

inline lab::NsdOptions dnsLabOptions() {
  std::string forward =
      "mail A 192.0.2.10\n"
      "other A 192.0.2.99\n"
      "txtonly TXT \"no address here\"\n"
      "a A 192.0.2.14\n"
      "b A 192.0.2.14\n"
      "alias CNAME c2\n"
      "c2 CNAME real\n"
      "real A 192.0.2.17\n"
      "out CNAME x.unserved.test.\n"
      "loop1 CNAME loop2\n"
      "loop2 CNAME loop1\n"
      "classless A 192.0.2.30\n"
      "mail6 AAAA 2001:db8::25\n";
  for (int i = 1; i <= 40; ++i)
    forward += "big A 192.0.2." + std::to_string(i + (i >= 20 ? 0 : 100)) + "\n";
  std::string reverse =
      rev("192.0.2.10") + " PTR Mail.Example.COM.\n" +  // case is normalised by the resolver
      rev("192.0.2.11") + " PTR other.example.com.\n" + rev("192.0.2.12") +
      " PTR missing.example.com.\n" + rev("192.0.2.13") + " PTR txtonly.example.com.\n" +
      rev("192.0.2.14") + " PTR a.example.com.\n" + rev("192.0.2.14") + " PTR b.example.com.\n" +
      rev("192.0.2.16") + " TXT \"no ptr\"\n" + rev("192.0.2.17") + " PTR alias.example.com.\n" +
      rev("192.0.2.18") + " PTR www.servfail.test.\n" + rev("192.0.2.19") +
      " PTR host.unserved.test.\n" + rev("192.0.2.20") + " PTR big.example.com.\n" +
      rev("192.0.2.21") + " PTR out.example.com.\n" + rev("192.0.2.22") +
      " PTR loop1.example.com.\n" + rev("192.0.2.30") + " CNAME 30.0-63.2.0.192.in-addr.arpa.\n" +
      "30.0-63.2.0.192.in-addr.arpa. PTR classless.example.com.\n";
  for (int i = 0; i < 30; ++i)
    reverse += rev("192.0.2.23") + " PTR host-" + std::to_string(i) +
               "-with-a-rather-long-label.example.com.\n";
  std::string reverse6 = rev("2001:db8::25") + " PTR mail6.example.com.\n" + rev("2001:db8::26") +
                         " PTR mail.example.com.\n";
  lab::NsdOptions o;
  o.ipv6 = true;
  o.zones = {
      {"example.com", forward, false},
      {"2.0.192.in-addr.arpa", reverse, false},
      {"0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa", reverse6, false},
      {"servfail.test", "", true},
      {"3.0.192.in-addr.arpa", "", true},
  };
  return o;
}

// One NSD per test process (ctest runs each test in its own process, in parallel).
class DnsLab : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { nsd_ = std::make_unique<lab::NsdServer>(dnsLabOptions()); }
  static void TearDownTestSuite() { nsd_.reset(); }
  static lab::NsdServer& nsd() { return *nsd_; }

 private:
  static inline std::unique_ptr<lab::NsdServer> nsd_;
};

}  // namespace ptrd::testing
