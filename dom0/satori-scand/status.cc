// status.cc: see status.h.
#include "status.h"

#include <cstdio>

#include <nlohmann/json.hpp>

namespace satori {

std::string FormatStatus(const StatusFigures &s) {
  const ScanCounters &c = s.counters;
  nlohmann::ordered_json j = {{"pid", s.pid},
                              {"rate", s.rate},
                              {"domains", s.domains},
                              {"paused", s.paused},
                              {"at_cap", s.at_cap},
                              {"idle", s.idle},
                              {"passes", c.passes},
                              {"scanned", c.scanned},
                              {"fill", c.fill},
                              {"zero", c.zero},
                              {"first_seen", c.first_seen},
                              {"changed", c.changed},
                              {"registered", c.registered},
                              {"merged", c.merged},
                              {"released", c.released},
                              {"errors", c.errors},
                              {"records", s.records},
                              {"max_records", s.max_records},
                              {"capped", c.capped},
                              {"cut", c.cut},
                              {"cpu_s", s.cpu_s}};
  return j.dump() + "\n";
}

} // namespace satori
