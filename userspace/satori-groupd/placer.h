// placer.h: puts the domains that are pending in the groups the file
// gives them (Xen: Satori's hypercalls, the toolstack's domain list).
//
// Only a domain Xen reports SATORI_GROUP_PENDING is placed, and with
// SATORI_GROUP_F_PLACE, so a domain placed meanwhile (satori-ctl group by
// hand) is left where it is: the daemon never moves a placed domain.
#pragma once

#include <cstdint>
#include <functional>
#include <map>

#include "config.h"
#include "domains.h"
#include "hypervisor.h"

namespace satori::groupd {

// How long a pending domain may lack a name in xenstore before it is
// placed alone (libxl writes the name before it introduces the domain).
inline constexpr double kNamelessWaitS = 30;

class Placer {
public:
  using Log = std::function<void(const std::string &line)>;
  // hv, doms and log outlive the Placer.
  Placer(Hypervisor &hv, DomainSource &doms, const Log &log)
      : hv_(hv), doms_(doms), log_(log) {}

  // The file later placements follow (SIGHUP); placed domains stay.
  void SetConfig(GroupsConfig config) { config_ = std::move(config); }
  const GroupsConfig &Config() const { return config_; }

  struct Result {
    unsigned placed = 0;
    unsigned failed = 0;   // a hypercall refused (logged)
    unsigned nameless = 0; // pending, no name yet: call again in a second
  };
  // Places every domain pending now, logging a line per placement and per
  // failure. now_s: a monotonic clock, for the nameless wait.
  Result PlaceAll(double now_s);

private:
  void Place(const DomainInfo &d, const Placement &p, Result *r);

  Hypervisor &hv_;
  DomainSource &doms_;
  Log log_;
  GroupsConfig config_ = GroupsConfig::Parse("", "");
  std::map<uint32_t, double> nameless_since_; // domid -> first seen
};

} // namespace satori::groupd
