// Publishes the emulated portal's PTR changes in a real PowerDNS through its HTTP
// API, so a change the portal applied is visible in DNS (as on the real platform).
// Refuses any server that is not on loopback (the lab's rule zero).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/result.h"

namespace httplib {
class Client;
}

namespace ptrd::emulator_kit {

struct PtrWrite {
  std::string reverseName;  // canonical, trailing dot
  std::string ptr;          // canonical target; empty: delete the name's PTR
};

class PdnsWriter {
 public:
  // url: http://127.0.0.1:PORT; empty url = a writer that publishes nothing.
  static Result<std::unique_ptr<PdnsWriter>> make(const std::string& url,
                                                  const std::string& apiKey);
  ~PdnsWriter();

  // REPLACEs each name's PTR rrset, one PATCH per zone. Per write: empty string
  // on success, else why it failed (no zone, PowerDNS refused, unreachable).
  std::vector<std::string> write(const std::vector<PtrWrite>& writes);

 private:
  PdnsWriter() = default;
  bool refreshZones();
  std::string zoneFor(const std::string& name) const;

  std::mutex mu_;
  std::unique_ptr<httplib::Client> client_;
  std::string apiKey_;
  std::vector<std::string> zones_;
};

}  // namespace ptrd::emulator_kit
