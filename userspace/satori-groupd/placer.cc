// placer.cc: see placer.h.
#include "placer.h"

#include <cerrno>
#include <cstring>

#include "groups.h"

namespace satori::groupd {

void Placer::Place(const DomainInfo &d, const Placement &p, Result *r) {
  std::string who = DomainLabel(d.id, d.name, d.named);
  int rc = hv_.PlaceGroup(static_cast<uint16_t>(d.id), p.group);
  if (rc == 0) {
    ++r->placed;
    log_(PlacedMessage(who, p));
    return;
  }
  if (rc == -ESRCH)
    return; // gone meanwhile
  if (rc == -EEXIST) {
    satori_domain_stats s;
    std::string where = hv_.DomainStats(static_cast<uint16_t>(d.id), &s)
                            ? "elsewhere"
                            : "in group " + GroupName(s.group);
    log_(who + " was placed meanwhile, " + where + ": left there");
    return;
  }
  ++r->failed;
  log_("cannot place " + who + " in group " + GroupName(p.group) + ": " +
       std::strerror(-rc));
}

Placer::Result Placer::PlaceAll(double now_s) {
  Result r;
  std::map<uint32_t, double> nameless;
  for (const DomainInfo &d : doms_.List()) {
    satori_domain_stats s;
    int rc = hv_.DomainStats(static_cast<uint16_t>(d.id), &s);
    if (rc == -ESRCH)
      continue;
    if (rc) {
      ++r.failed;
      log_("cannot read the group of domain " + std::to_string(d.id) + ": " +
           std::strerror(-rc));
      continue;
    }
    if (s.group != SATORI_GROUP_PENDING)
      continue;
    if (d.named) {
      Place(d, config_.Place(d.name), &r);
      continue;
    }
    auto seen = nameless_since_.find(d.id);
    double since = seen == nameless_since_.end() ? now_s : seen->second;
    if (seen == nameless_since_.end())
      log_("domain " + std::to_string(d.id) +
           " has no name in xenstore yet: waiting for it");
    if (now_s - since >= kNamelessWaitS) {
      Place(d, Placement{SATORI_GROUP_ALONE, "no name"}, &r);
      continue;
    }
    nameless[d.id] = since;
    ++r.nameless;
  }
  nameless_since_ = std::move(nameless);
  return r;
}

} // namespace satori::groupd
