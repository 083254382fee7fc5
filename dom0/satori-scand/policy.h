// policy.h: satori-scand's decisions that the guests it scans must not be
// able to abuse, kept free of Xen so that they are tested on any host.
//
// A scanned guest controls its own memory layout, its memory's content
// and its disk frontends' xenstore keys, so it can try to make dom0's
// scanner slow, big or busy. Three rules bound what it gets:
//   - PassPlan: a pass walks each domain's gfns from 0 in round-robin
//     turns of bounded cost, and a domain's walk ends at its last gfn or
//     once it crossed HoleLimit(max_pages) gfns that hold no RAM in this
//     pass. A pass costs what the guests populated, plus a bound set by
//     dom0 (max_pages), never what a guest's highest gfn is; and no guest
//     waits for another's walk to end.
//   - RecordCap: at most a set number of page records per domain; past it
//     a page seen for the first time gets no record (and so is never
//     registered).
//   - Membership: whether a guest is scanned follows its xenstore keys
//     with hysteresis: scanning pauses at once when a check finds the
//     guest not scannable, but what was registered for it is released
//     only after kSettleChecks checks in a row agree, and a guest that
//     left comes back only after as many; flipping keys costs nothing.
//
// Thread rules: none of these is thread-safe; the scanning thread owns them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <vector>

namespace satori {

// The cost of a pass, in units of 1/64 page: a gfn that holds RAM is
// mapped, hashed and looked up (kPageCost); a gfn that holds none costs a
// failed map attempt (kHoleCost), and runs of them are crossed a whole
// batch at a time. The rate (--rate) is spent in these units.
inline constexpr uint64_t kPageCost = 64;
inline constexpr uint64_t kHoleCost = 1;
// The most gfns one batch maps (SATORI_BATCH_MAX: one register call).
inline constexpr unsigned kMaxBatch = 256;
// What one domain's turn may cost before the next domain's turn: one full
// batch of RAM pages (or 16384 gfns of holes).
inline constexpr uint64_t kTurnCost = kMaxBatch * kPageCost;
// Gfns without RAM any guest may need crossed on top of its max_pages: 4
// GiB of guest-physical space (an HVM guest's MMIO hole, the gap below a
// PVH guest's special pages).
inline constexpr uint64_t kHoleSlack = 1ULL << 20;

// The gfns without RAM a domain's walk may cross in one pass: its
// max_pages (set by dom0; a guest that ballooned down leaves holes where
// its RAM was) plus kHoleSlack. Saturates instead of overflowing.
uint64_t HoleLimit(uint64_t max_pages);

// One batch to scan: n gfns of domid from first on.
struct Batch {
  uint16_t domid = 0;
  uint64_t first = 0;
  unsigned n = 0;
};

// The order of a pass: every scanned domain's gfns from 0, in turns of at
// most kTurnCost (plus one batch), round-robin in domid order.
class PassPlan {
public:
  struct Member {
    uint16_t domid = 0;
    uint64_t hole_limit = 0; // HoleLimit() of the domain now
    bool paused = false;     // kept (records, place in the pass), not scanned
  };

  // The domains of the scan now (any order). A domain that stays keeps
  // its place in the pass; a new one starts at gfn 0 and is part of the
  // pass under way; one that is not listed is dropped.
  void Update(const std::vector<Member> &members);

  // The next batch, with budget units left to spend; nullopt when no
  // domain has anything left in this pass (Over()). A batch never spans
  // two domains; n is at most kMaxBatch and, unless the domain's last
  // batch found only holes, at most budget / kPageCost (at least 1).
  // REQUIRES: budget >= 1.
  std::optional<Batch> Next(uint64_t budget);

  struct Outcome {
    uint64_t cost = 0; // units the batch cost
    bool cut = false;  // the domain's walk ended at its hole limit
  };
  // What scanning b gave: next, the gfn to go on from (0: the domain's
  // last gfn was scanned, or it is gone; then the batch counts whole), and
  // how many of its gfns held RAM. Ends the domain's turn once it cost
  // kTurnCost.
  Outcome Report(const Batch &b, uint64_t next, unsigned mapped);

  // True when every domain not paused finished its walk of this pass.
  bool Over() const;
  // Starts the next pass: every domain from gfn 0 again.
  void Restart();

  // Where domid's walk is (tests and logs): the next gfn, the holes it
  // crossed in this pass, whether it is done.
  struct Place {
    uint64_t next = 0;
    uint64_t holes = 0;
    bool done = false;
  };
  std::optional<Place> PlaceOf(uint16_t domid) const;

private:
  struct Cursor {
    Member m;
    Place at;
    bool in_hole = false; // its last batch held no RAM
  };
  Cursor *Find(uint16_t domid);
  void EndTurn();

  std::vector<Cursor> cursors_; // in domid order
  size_t turn_ = 0;             // the cursor whose turn it is
  uint64_t turn_left_ = kTurnCost;
};

// The cap on page records per domain (--max-records).
class RecordCap {
public:
  explicit RecordCap(uint64_t limit) : limit_(limit) {}

  enum class Verdict {
    kAdmit,       // below the cap: keep a record
    kRefuse,      // at the cap: no record
    kRefuseFirst, // at the cap, the first time for this domain: say so
  };
  // A page of domid seen for the first time, when domid has records
  // records: may it get one?
  Verdict Admit(uint16_t domid, uint64_t records);
  // domid left the scan (or died): its next refusal is a first again.
  void Forget(uint16_t domid) { told_.erase(domid); }

  uint64_t limit() const { return limit_; }

private:
  uint64_t limit_;
  std::set<uint16_t> told_; // domains whose first refusal was reported
};

// How many checks in a row (one a second) must agree before a scanned
// guest leaves the scan, or a guest that left comes back.
inline constexpr unsigned kSettleChecks = 10;

// What one check found a guest to be.
enum class Seen {
  kScannable,    // no hints negotiated, every disk connected
  kNotScannable, // hints negotiated, a disk not connected, or a PV guest
  kGone,         // dead, dying, or not in the list any more
};

// What the scanner must do after a check.
enum class Change {
  kNone,
  kJoin,   // start scanning it (from gfn 0 in the pass under way)
  kPause,  // stop scanning it for now; keep its records
  kResume, // scan it again where it was
  kLeave,  // release what was registered for it, forget its records
  kDrop,   // it died: forget its records (Xen dropped its entries)
};

// Which guests are scanned, with hysteresis. A guest seen scannable for
// the first time joins at once; a scanned guest found not scannable is
// paused at once and leaves after settle checks in a row that agree (a
// scannable check before then resumes it); a guest that left joins again
// only after settle scannable checks in a row.
class Membership {
public:
  // REQUIRES: settle >= 1 (1: no hysteresis).
  explicit Membership(unsigned settle = kSettleChecks) : settle_(settle) {}

  Change Observe(uint16_t domid, Seen seen);

  // Guests scanned now, paused now, and every guest Observe() knows (to
  // tell it the ones that went), in domid order.
  std::vector<uint16_t> Scanned() const;
  std::vector<uint16_t> Paused() const;
  std::vector<uint16_t> Known() const;

private:
  enum class State { kOut, kIn, kPaused };
  struct Entry {
    State state = State::kOut;
    unsigned streak = 0; // checks in a row that disagree with state
    bool was_in = false; // it was scanned once: coming back takes settle
  };
  std::vector<uint16_t> In(State s) const;

  unsigned settle_;
  std::map<uint16_t, Entry> entries_;
};

} // namespace satori
