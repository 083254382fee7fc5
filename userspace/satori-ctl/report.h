// report.h: what satori-ctl prints, as text and as JSON (--json), from
// figures already read (no Xen needed: tested on any host). Both forms
// carry the same figures; the keys are listed in satori-ctl --help.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace satori::ctl {

// show: one domain's line.
struct ShowRow {
  uint32_t id = 0;
  std::string name;             // "" when the toolstack does not know it
  uint32_t group = 0;           // SATORI_GROUP_ALONE: a group of its own
  uint64_t entitlement = 0;     // 2^-32 frames (interface 1.3)
  uint64_t volatile_frames = 0; // frames it holds (interface 1.3)
  uint32_t run = 1;             // SATORI_RUN_* (1.8); 1 is SATORI_RUN_ON
  uint64_t zero = 0;            // its gfns backed by a zero frame now (1.9)
};
struct ShowReport {
  bool entitlements = false; // the hypervisor has them (1.3): show them
  bool runs = false;         // it has run states (1.8): show them
  bool zeros = false;        // it has zero pages (1.9): show them
  std::vector<ShowRow> rows;
};

// Whom take, repay, make-room, off or on turned to: one domain, or any
// (off and on: the host).
struct Target {
  std::optional<uint16_t> domid; // nullopt: SATORI_DOMID_ANY
  std::string from;              // as a sentence names it
};

// take: frames wanted, frames Xen took.
struct TakeReport {
  Target target;
  uint64_t frames = 0, taken = 0;
};

// repay: frames wanted and asked for; what came back while the host owed
// (the host's counters' difference), and how long until nothing was owed.
struct RepayReport {
  Target target;
  uint64_t frames = 0, asked = 0, repaid = 0, forced = 0;
  double ms = 0;
};

// make-room: the host's free memory and reserve after the room was made,
// and the asks it took, summed (none if the free heap had the room).
struct RoomReport {
  uint64_t mib = 0;
  uint64_t free_frames = 0, reserve_frames = 0;
  uint64_t asks = 0;
  std::optional<RepayReport> repay;
};

// create: make-room's report for the guest named in config, whose memory
// (maxmem or memory) and overhead made up the MiB asked for.
struct CreateReport {
  RoomReport room;
  std::string config;
  uint64_t guest_mib = 0, overhead_mib = 0;
};

// off and on: what the run state of the host or a domain was set to, and
// the pages SATORI_RUN_UNSHARE gave a private copy.
struct RunReport {
  std::string command; // "off" or "on"
  Target target;       // domid nullopt: the host
  uint32_t run = 0;    // SATORI_RUN_*
  uint64_t unshared = 0;
};

// Each returns the whole output, ending in a newline. JSON is one object
// on one line.
std::string FormatText(const ShowReport &r);
std::string FormatJson(const ShowReport &r);
std::string FormatText(const TakeReport &r);
std::string FormatJson(const TakeReport &r);
std::string FormatText(const RepayReport &r);
std::string FormatJson(const RepayReport &r);
std::string FormatText(const RoomReport &r);
std::string FormatJson(const RoomReport &r);
std::string FormatText(const CreateReport &r);
std::string FormatJson(const CreateReport &r);
std::string FormatText(const RunReport &r);
std::string FormatJson(const RunReport &r);

} // namespace satori::ctl
