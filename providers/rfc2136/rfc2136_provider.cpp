#include "providers/rfc2136/rfc2136_provider.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/hostname.h"
#include "core/range_template.h"
#include "providers/rfc2136/rcode.h"

namespace ptrd::providers::rfc2136 {

Rfc2136Provider::Rfc2136Provider(Rfc2136Options options, std::unique_ptr<DnsClient> client,
                                 RequestObserver observer)
    : options_(std::move(options)), client_(std::move(client)), observer_(std::move(observer)) {
  if (options_.batchSize == 0) options_.batchSize = 500;
}

Result<std::string> Rfc2136Provider::defaultPtrFor(const IpAddress& address) const {
  if (options_.defaultTemplate.empty()) return std::string();
  auto ptr = renderNameTemplate(options_.defaultTemplate, address);
  if (!ptr)
    return Error::permanent(fmt::format("rfc2136 defaultTemplate: {}", ptr.error().message));
  return ptr;
}

Result<Inventory> Rfc2136Provider::inventory() {
  Inventory inv;
  std::map<IpAddress, std::vector<std::string>> found;  // address -> its PTR targets
  std::map<IpAddress, std::string> owners;
  for (const ReverseZone& zone : options_.zones) {
    auto ptrs = client_->transferPtrs(zone.name);
    if (observer_) observer_("axfr", ptrs ? 0 : -1);
    if (!ptrs) return ptrs.error();
    if (zone.classless) {
      for (const IpAddress& ip : zone.addresses()) found.try_emplace(ip);
    } else {
      inv.ownedZones.push_back(zone.name);
    }
    for (const ZonePtr& p : *ptrs) {
      auto ip = zone.addressOf(p.owner);
      // Records at names that stand for no address (the apex, a delegation) are not ours.
      if (!ip || p.target.empty()) continue;
      // An address in two listed zones (a parent and its RFC 2317 child) lives where
      // apply() writes it.
      if (zoneFor(options_.zones, *ip) != &zone) continue;
      found[*ip].push_back(p.target);
      owners[*ip] = p.owner;
      if (found.size() > options_.maxItems) {
        return Error::permanent(
            fmt::format("rfc2136 inventory: more than {} addresses (the bound on one inventory)",
                        options_.maxItems));
      }
    }
  }
  observedSets_.clear();
  for (auto& [ip, targets] : found) {
    std::sort(targets.begin(), targets.end());
    targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
    OwnedAddress a;
    a.ip = ip.str();
    a.ptr = targets.empty() ? "" : targets.front();
    // A template that cannot name this address fails the inventory: without the
    // default, every record would look custom.
    auto d = defaultPtrFor(ip);
    if (!d) return d.error();
    a.defaultPtr = std::move(*d);
    a.custom = !a.ptr.empty() && a.ptr != a.defaultPtr;
    if (targets.size() > 1) observedSets_[owners[ip]] = targets;
    inv.addresses.push_back(std::move(a));
  }
  return inv;
}

Result<std::vector<ChangeResult>> Rfc2136Provider::apply(const std::vector<Change>& batch) {
  std::vector<ChangeResult> results(batch.size());
  std::vector<PtrUpdate> updates(batch.size());
  std::vector<std::string> targets(batch.size());
  // Zone index -> the batch's changes in it, in batch order (deterministic messages).
  std::map<size_t, std::vector<size_t>> groups;
  for (size_t i = 0; i < batch.size(); ++i) {
    const Change& c = batch[i];
    results[i].ip = c.ip;
    results[i].action = c.action;
    auto ip = IpAddress::fromReverseName(canonicalDnsName(c.reverseName));
    if (!ip) {
      results[i].status = ChangeResult::Status::kInvalid;
      results[i].reason =
          fmt::format("\"{}\" is not a reverse DNS name of an address", c.reverseName);
      continue;
    }
    const ReverseZone* zone = zoneFor(options_.zones, *ip);
    if (zone == nullptr) {
      results[i].status = ChangeResult::Status::kNotYours;
      results[i].reason = fmt::format("no listed zone holds {}", ip->str());
      continue;
    }
    if (c.action == Change::Action::kSet) {
      targets[i] = canonicalDnsName(c.hostname);
    } else {
      auto d = defaultPtrFor(*ip);
      if (!d) {
        results[i].status = ChangeResult::Status::kInvalid;
        results[i].reason = d.error().message;
        continue;
      }
      targets[i] = *d;
    }
    PtrUpdate& u = updates[i];
    u.owner = *zone->ownerOf(*ip);
    u.target = targets[i];
    const std::string observed = canonicalDnsName(c.observedPtr);
    if (!observed.empty()) {
      auto set = observedSets_.find(u.owner);
      if (set != observedSets_.end() &&
          std::find(set->second.begin(), set->second.end(), observed) != set->second.end())
        u.expected = set->second;
      else
        u.expected = {observed};
    }
    groups[size_t(zone - options_.zones.data())].push_back(i);
  }
  for (const auto& [z, idx] : groups) {
    std::vector<PtrUpdate> zoneUpdates;
    for (size_t i : idx) zoneUpdates.push_back(updates[i]);
    if (auto s = send(options_.zones[z], zoneUpdates, idx, targets, results); !s) return s.error();
  }
  return results;
}

Status Rfc2136Provider::send(const ReverseZone& zone, const std::vector<PtrUpdate>& updates,
                             const std::vector<size_t>& idx,
                             const std::vector<std::string>& targets,
                             std::vector<ChangeResult>& results) {
  auto size = client_->updateSize(zone.name, updates, options_.ttl);
  if (!size) return size.error();
  if (*size > 65535 && updates.size() > 1) {
    const size_t half = updates.size() / 2;
    std::vector<PtrUpdate> lu(updates.begin(), updates.begin() + long(half)),
        ru(updates.begin() + long(half), updates.end());
    std::vector<size_t> li(idx.begin(), idx.begin() + long(half)),
        ri(idx.begin() + long(half), idx.end());
    if (auto s = send(zone, lu, li, targets, results); !s) return s;
    return send(zone, ru, ri, targets, results);
  }
  auto reply = client_->update(zone.name, updates, options_.ttl);
  if (observer_) observer_("update", reply ? reply->rcode : -1);
  if (!reply) return reply.error();
  auto verdict =
      classifyUpdateReply(reply->rcode, reply->tsigError, client_->key().name, zone.name);
  if (!verdict) return verdict.error();
  for (size_t i : idx) {
    if (verdict->applied) {
      results[i].status = ChangeResult::Status::kApplied;
      results[i].ptr = targets[i];
    } else {
      results[i].status = ChangeResult::Status::kFailed;
      results[i].reason = verdict->reason;
    }
  }
  return okStatus();
}

}  // namespace ptrd::providers::rfc2136
