// satori-scand: dom0's scanner for guests whose kernel gives no hints.
//
// Scans the memory of unenlightened guests at a set rate and registers
// stable pages with Xen on their behalf. Its options, defaults and exit
// statuses are written once, in its help (satori-scand --help;
// HelpText() in options.cc). The rules live in units tested without Xen:
// which guests and how they join and leave (targets.h, Membership in
// policy.h), the order and cost of a pass (PassPlan in policy.h), the
// tick's budget and the idle rule (pacing.h), what a page's scan does
// (scanner.h), the status file (status.h). This file only wires them to
// Xen, the clock and the signals.
#include <csignal>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <urcu.h>

#include "cli.h"
#include "files.h"
#include "hypervisor.h"
#include "options.h"
#include "pacing.h"
#include "policy.h"
#include "scanner.h"
#include "status.h"
#include "targets.h"

namespace {

using Clock = std::chrono::steady_clock;

volatile std::sig_atomic_t stop = 0;
void OnSignal(int) { stop = 1; }

double CpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// The Xen interfaces the daemon uses; closed when it goes.
struct Xen {
  std::unique_ptr<satori::Hypervisor> hv;
  xc_interface *xc = nullptr;
  xenforeignmemory_handle *fmem = nullptr;
  xs_handle *xs = nullptr;

  // False with *why if one of them cannot be opened.
  bool Open(std::string *why) {
    satori::Unavailable unavailable;
    hv = satori::Hypervisor::Open(&unavailable, why);
    xc = xc_interface_open(nullptr, nullptr, 0);
    fmem = xc ? xenforeignmemory_open(nullptr, 0) : nullptr;
    xs = xs_open(XS_OPEN_READONLY);
    if (hv && (!xc || !fmem || !xs))
      *why = "cannot open xenctrl, foreign memory or xenstore";
    return hv && xc && fmem && xs;
  }
  ~Xen() {
    if (xs)
      xs_close(xs);
    if (fmem)
      xenforeignmemory_close(fmem);
    if (xc)
      xc_interface_close(xc);
  }
};

const char *WhyNotScanned(satori::GuestKind k) {
  switch (k) {
  case satori::GuestKind::kGone:
    return "is not a guest domain";
  case satori::GuestKind::kEnlightened:
    return "negotiated Satori hints: its kernel registers its own pages, so "
           "it is not scanned";
  case satori::GuestKind::kPv:
    return "is a PV guest: Satori shares only HVM and PVH guests' memory, so "
           "it is not scanned";
  default:
    return nullptr;
  }
}

// The daemon's loop: a look at the guests once a second, the status file
// once a second, and a tick of scanning every 20 ms unless idle.
class Daemon {
public:
  Daemon(const Xen &xen, const satori::scand::Options &o)
      : xen_(xen), o_(o),
        scanner_(xen.xc, xen.fmem, xen.hv.get(), o.max_records),
        idle_rule_(o.idle_s), budget_(satori::TickBudget(o.rate)) {}

  void Run() {
    const auto tick =
        std::chrono::microseconds(1000000 / satori::kTicksPerSecond);
    auto next_tick = Clock::now(), next_look = Clock::now(),
         next_status = Clock::now();
    while (!stop) {
      auto now = Clock::now();
      if (now >= next_look) {
        Look(now);
        next_look = now + std::chrono::seconds(1);
      }
      bool idle = scanned_.empty() || now < idle_until_;
      if (now >= next_status) {
        WriteStatus(idle);
        next_status = now + std::chrono::seconds(1);
      }
      if (idle) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        next_tick = Clock::now();
        continue;
      }
      Tick();
      next_tick += tick;
      std::this_thread::sleep_until(next_tick);
    }
    scanned_.clear();
    paused_.clear();
    WriteStatus(true);
  }

private:
  // Who is scanned now. A guest found scannable for the first time joins
  // the pass under way; one found unscannable is paused, and leaves (what
  // was registered for it released) only when kSettleChecks checks in a
  // row agree; a dead one is forgotten.
  void Look(Clock::time_point now) {
    std::vector<uint16_t> listed =
        o_.domains.empty()
            ? satori::LiveGuests(xen_.xc)
            : std::vector<uint16_t>(o_.domains.begin(), o_.domains.end());
    std::map<uint16_t, uint64_t> max_pages;
    for (uint16_t d : listed) {
      uint64_t mp = 0;
      satori::GuestKind k = satori::KindOf(xen_.xc, xen_.xs, d, &mp);
      max_pages[d] = mp;
      if (k == satori::GuestKind::kPv && told_pv_.insert(d).second)
        std::fprintf(stderr, "satori-scand: domain %u %s\n", d,
                     WhyNotScanned(k));
      Apply(d, members_.Observe(d, satori::SeenOf(k)), k, now);
    }
    for (uint16_t d : members_.Known())
      if (!max_pages.count(d))
        Apply(d, members_.Observe(d, satori::Seen::kGone),
              satori::GuestKind::kGone, now);
    std::erase_if(told_pv_, [&](uint16_t d) { return !max_pages.count(d); });
    scanned_ = members_.Scanned();
    paused_ = members_.Paused();
    std::vector<satori::PassPlan::Member> in_plan;
    for (uint16_t d : scanned_)
      in_plan.push_back({d, satori::HoleLimit(max_pages[d]), false});
    for (uint16_t d : paused_)
      in_plan.push_back({d, satori::HoleLimit(max_pages[d]), true});
    plan_.Update(in_plan);
  }

  void Apply(uint16_t d, satori::Change c, satori::GuestKind k,
             Clock::time_point now) {
    if (c == satori::Change::kJoin) {
      idle_until_ = now; // a new guest is scanned at once
    } else if (c == satori::Change::kLeave) {
      std::fprintf(stderr,
                   "satori-scand: domain %u %s (%u checks in a row): "
                   "releasing what was registered for it\n",
                   d,
                   k == satori::GuestKind::kEnlightened
                       ? "negotiated hints"
                       : "has a disk frontend not connected",
                   satori::kSettleChecks);
      scanner_.Forget(d, true);
      told_cut_.erase(d);
    } else if (c == satori::Change::kDrop) {
      scanner_.Forget(d, false); // Xen dropped its entries itself
      told_cut_.erase(d);
    }
  }

  // One tick's worth of pages (pacing.h).
  void Tick() {
    satori::TickOutcome t = satori::SpendTick(
        &plan_, budget_, [&](const satori::Batch &b, unsigned *mapped) {
          return scanner_.ScanBatch(b.domid, b.first, b.n, mapped);
        });
    for (const satori::TickOutcome::Cut &cut : t.cuts) {
      scanner_.CountCut();
      if (told_cut_.insert(cut.domid).second)
        std::fprintf(stderr,
                     "satori-scand: domain %u has more gfns without RAM than "
                     "its max_pages + %llu: its walk stopped at gfn %llu in "
                     "this pass (said once per guest)\n",
                     cut.domid,
                     static_cast<unsigned long long>(satori::kHoleSlack),
                     static_cast<unsigned long long>(cut.next));
    }
    if (t.pass_over) {
      scanner_.CountPass();
      const satori::ScanCounters &c = scanner_.counters();
      if (uint64_t wait = idle_rule_.PassEnded(
              {c.scanned, c.first_seen, c.registered, c.released}))
        idle_until_ = Clock::now() + std::chrono::seconds(wait);
    }
  }

  void WriteStatus(bool idle) {
    satori::StatusFigures s;
    s.pid = getpid();
    s.rate = o_.rate;
    s.domains = scanned_;
    s.paused = paused_;
    std::vector<uint16_t> all = scanned_;
    all.insert(all.end(), paused_.begin(), paused_.end());
    std::sort(all.begin(), all.end());
    s.at_cap = satori::AtCap(all, scanner_.max_records(),
                             [&](uint16_t d) { return scanner_.Records(d); });
    s.idle = idle;
    s.counters = scanner_.counters();
    s.records = scanner_.table().Size();
    s.max_records = scanner_.max_records();
    s.cpu_s = CpuSeconds();
    satori::WriteFileAtomically(o_.status,
                                satori::FormatStatus(s)); // next second
  }

  const Xen &xen_;
  const satori::scand::Options &o_;
  satori::Scanner scanner_;
  satori::Membership members_; // who is scanned, with hysteresis
  satori::PassPlan plan_;      // the pass under way
  satori::IdleRule idle_rule_;
  const uint64_t budget_;                  // units a tick may spend
  std::vector<uint16_t> scanned_, paused_; // members_.Scanned(), .Paused()
  std::set<uint16_t> told_pv_, told_cut_;  // domains a line was logged for
  Clock::time_point idle_until_ = Clock::now();
};

} // namespace

int main(int argc, char **argv) {
  satori::scand::Options o;
  std::string why;
  if (!satori::scand::ParseOptions(
          std::vector<std::string>(argv + 1, argv + argc), &o, &why))
    return satori::UsageError("satori-scand", why, satori::scand::kUsage);
  if (o.help)
    return satori::PrintHelp(satori::scand::HelpText());
  if (o.version)
    return satori::PrintHelp(satori::VersionText("satori-scand"));

  Xen xen;
  if (!xen.Open(&why)) {
    std::fprintf(stderr, "satori-scand: %s\n", why.c_str());
    return 2;
  }
  for (uint16_t d : o.domains) {
    if (const char *no = WhyNotScanned(satori::KindOf(xen.xc, xen.xs, d))) {
      std::fprintf(stderr, "satori-scand: domain %u %s\n", d, no);
      return 2;
    }
  }

  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  rcu_register_thread();
  {
    Daemon daemon(xen, o);
    daemon.Run();
  }
  rcu_unregister_thread();
  return 0;
}
