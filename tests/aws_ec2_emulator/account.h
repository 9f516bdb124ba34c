// The emulated AWS account in one region: its Elastic IPs, each with its
// allocation id, its PTR and the PTR update in flight. Not thread-safe: the API
// server guards it with one mutex.
//
// Account file: one Elastic IP a line, "IP ALLOCATION-ID [PTR]", '#' comments.
// Without PTR the address shows AWS's default name (and is not listed by
// DescribeAddressesAttribute, as on AWS).
//   203.0.113.10 eipalloc-0a1b2c3d
//   203.0.113.11 eipalloc-0a1b2c3e relay.example.com
#pragma once

#include <chrono>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/result.h"

namespace ptrd::aws_ec2_emulator {

struct PtrUpdate {
  std::string value;   // canonical, trailing dot; "" for a reset
  std::string status;  // "PENDING", "FAILED"; "" when none
  std::string reason;
  std::chrono::steady_clock::time_point due;  // when a PENDING one lands
};

struct ElasticIp {
  std::string address;  // canonical IPv4
  std::string allocationId;
  std::string reverseName;  // canonical, trailing dot
  std::string ptr;          // canonical custom PTR; "" = AWS's default
  PtrUpdate update;
};

class Account {
 public:
  static Result<Account> load(const std::string& path);

  ElasticIp* byAllocation(const std::string& allocationId);
  std::vector<ElasticIp>& ips() { return ips_; }

 private:
  std::vector<ElasticIp> ips_;
  std::unordered_map<std::string, size_t> index_;  // allocation id -> ips_
};

// "ec2-a-b-c-d.<region>.compute.amazonaws.com." (compute-1 in us-east-1).
std::string awsDefault(const ElasticIp& ip, const std::string& region);

}  // namespace ptrd::aws_ec2_emulator
