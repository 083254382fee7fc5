// status.h: satori-scand's status file, which satori-top reads
// (userspace/satori-top/scanner_status.h is the reader; the unit tests
// check that it reads what this writes).
//
// One JSON object, rewritten whole every second: the scanner's pid,
// its rate, the guests scanned, paused and at the record cap, whether it
// is idle, its counters (counters.h), its records, and its CPU seconds.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "counters.h"

namespace satori {

struct StatusFigures {
  long pid = 0;
  uint64_t rate = 0;             // --rate
  std::vector<uint16_t> domains; // scanned now
  std::vector<uint16_t> paused;  // kept, not scanned (Membership)
  std::vector<uint16_t> at_cap;  // at the record cap
  bool idle = false;             // waiting: no guest, or after a quiet pass
  ScanCounters counters;
  uint64_t records = 0;     // page records held, all guests
  uint64_t max_records = 0; // --max-records
  double cpu_s = 0;         // CPU seconds used
};

// The file's text: one JSON object on one line.
std::string FormatStatus(const StatusFigures &s);

// The guests of ids whose records (as records() counts them) reached
// max_records, in id order.
template <typename RecordsOf>
std::vector<uint16_t> AtCap(const std::vector<uint16_t> &ids,
                            uint64_t max_records, RecordsOf records) {
  std::vector<uint16_t> out;
  for (uint16_t d : ids)
    if (records(d) >= max_records)
      out.push_back(d);
  return out;
}

} // namespace satori
