// EngineRequest: one DNS question travelling through CaresEngine (cares_engine.h)
// and, when it goes over our own UDP path, through UdpPath (udp_path.h).
#pragma once

#include <cstdint>
#include <string>

namespace ptrd::dns {

struct EngineRequest {
  std::string name;  // canonical, trailing dot
  uint16_t qtype = 0;
  uint32_t slot = 0;  // its index in the batch
  // For a PTR: ask this type (A/AAAA) for the answer's names; 0: do not.
  uint16_t follow_qtype = 0;
};

}  // namespace ptrd::dns
