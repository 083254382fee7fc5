// satori-scand: dom0's scanner for guests whose kernel gives no hints.
//
// Scans the memory of unenlightened guests at a set rate and registers
// stable pages with Xen on their behalf (see scanner.h for the algorithm,
// targets.h for which guests, policy.h for what bounds the work a guest
// can cause). Runs until SIGTERM or SIGINT; its figures are in the status
// file (JSON, rewritten every second), which satori-top shows.
//
//   satori-scand [--rate PAGES_PER_SECOND] [--domain ID]... [--idle SECONDS]
//                [--max-records RECORDS] [--status PATH]
//
//   --rate    pages scanned per second over all guests (default 5000:
//             KSM's default of 100 pages every 20 ms). Work is done in
//             20 ms ticks.
//   --domain  scan only this guest (repeatable; default: every guest that
//             did not negotiate hints). Naming an enlightened guest or a
//             PV guest is an error.
//   --idle    after a quiet pass (no page seen for the first time, and
//             fewer than 1 in 1000 pages registered or released), wait
//             this long before the next pass (default 10; 0: never wait).
//             With no guest to scan the daemon only looks for new guests,
//             once a second.
//   --max-records
//             the most page records kept per guest (default 1048576: 4
//             GiB of its pages, about 70 MB of dom0 memory). A guest at
//             the cap is still scanned, but a page seen for the first time
//             gets no record, so it is never registered.
//   --status  the status file (default /run/satori-scand.json).
//
// A pass visits the guests round-robin, a batch at a time; each guest's
// walk ends at its last gfn or after max_pages + 2^20 gfns without RAM. A
// guest found unscannable (it negotiated hints, a disk is not connected)
// is paused at once and released after 10 checks in a row (one a second)
// that agree.
//
// Exit status: 0 when stopped by a signal, 2 on bad arguments, when the
// hypervisor interface cannot be opened, or when a --domain cannot be
// scanned.
#include <csignal>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <urcu.h>

#include "hypervisor.h"
#include "policy.h"
#include "scanner.h"
#include "targets.h"

namespace {

volatile std::sig_atomic_t stop = 0;
void OnSignal(int) { stop = 1; }

bool ParseU64(const char *s, uint64_t *out) {
  char *end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(s, &end, 10);
  if (errno || end == s || *end || s[0] == '-')
    return false;
  *out = v;
  return true;
}

constexpr uint64_t kDefaultMaxRecords = 1ULL << 20; // 4 GiB of a guest
constexpr uint64_t kMostMaxRecords = 1ULL << 28;    // 1 TiB of a guest

constexpr const char *kUsage =
    "usage: satori-scand [--rate PAGES_PER_SECOND] [--domain ID]... "
    "[--idle SECONDS] [--max-records RECORDS] [--status PATH]\n";

int Usage() {
  std::fputs(kUsage, stderr);
  return 2;
}

int Help() {
  std::fputs(kUsage, stdout);
  std::printf(
      "Scans the memory of guests whose kernel negotiated no Satori hints\n"
      "and registers their stable pages with Xen on their behalf.\n"
      "\n"
      "  --rate PAGES_PER_SECOND  pages scanned per second over all guests,\n"
      "                           1 to 10000000 (default 5000)\n"
      "  --domain ID              scan only this guest (repeatable; default\n"
      "                           every HVM or PVH guest without hints)\n"
      "  --idle SECONDS           wait after a quiet pass, 0 to 86400\n"
      "                           (default 10; 0: never wait)\n"
      "  --max-records RECORDS    page records kept per guest, 1 to %llu\n"
      "                           (default %llu: 4 GiB of its pages); at\n"
      "                           the cap a page seen for the first time\n"
      "                           gets no record and is never registered\n"
      "  --status PATH            status file, rewritten every second\n"
      "                           (default /run/satori-scand.json)\n"
      "\n"
      "See docs/scanner.md.\n",
      static_cast<unsigned long long>(kMostMaxRecords),
      static_cast<unsigned long long>(kDefaultMaxRecords));
  return 0;
}

double CpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

void PrintIds(std::FILE *f, const std::vector<uint16_t> &ids) {
  std::fputc('[', f);
  for (size_t i = 0; i < ids.size(); ++i)
    std::fprintf(f, "%s%u", i ? ", " : "", ids[i]);
  std::fputc(']', f);
}

// Writes the status file whole (rename), so a reader never sees half.
void WriteStatus(const std::string &path, uint64_t rate,
                 const std::vector<uint16_t> &domains,
                 const std::vector<uint16_t> &paused,
                 const std::vector<uint16_t> &at_cap, bool idle,
                 satori::Scanner &scanner) {
  const satori::ScanCounters &c = scanner.counters();
  std::string tmp = path + ".new";
  std::FILE *f = std::fopen(tmp.c_str(), "w");
  if (!f)
    return;
  std::fprintf(f, "{\"pid\": %d, \"rate\": %llu, \"domains\": ",
               static_cast<int>(getpid()),
               static_cast<unsigned long long>(rate));
  PrintIds(f, domains);
  std::fprintf(f, ", \"paused\": ");
  PrintIds(f, paused);
  std::fprintf(f, ", \"at_cap\": ");
  PrintIds(f, at_cap);
  std::fprintf(f,
               ", \"idle\": %s, \"passes\": %llu, \"scanned\": %llu, "
               "\"fill\": %llu, \"first_seen\": %llu, \"changed\": %llu, "
               "\"registered\": %llu, \"merged\": "
               "%llu, "
               "\"released\": %llu, \"errors\": %llu, \"records\": %llu, "
               "\"max_records\": %llu, \"capped\": %llu, \"cut\": %llu, "
               "\"cpu_s\": %.3f}\n",
               idle ? "true" : "false",
               static_cast<unsigned long long>(c.passes),
               static_cast<unsigned long long>(c.scanned),
               static_cast<unsigned long long>(c.fill),
               static_cast<unsigned long long>(c.first_seen),
               static_cast<unsigned long long>(c.changed),
               static_cast<unsigned long long>(c.registered),
               static_cast<unsigned long long>(c.merged),
               static_cast<unsigned long long>(c.released),
               static_cast<unsigned long long>(c.errors),
               static_cast<unsigned long long>(scanner.table().Size()),
               static_cast<unsigned long long>(scanner.max_records()),
               static_cast<unsigned long long>(c.capped),
               static_cast<unsigned long long>(c.cut), CpuSeconds());
  if (std::fclose(f) == 0)
    std::rename(tmp.c_str(), path.c_str());
}

} // namespace

int main(int argc, char **argv) {
  uint64_t rate = 5000, idle_s = 10, max_records = kDefaultMaxRecords;
  std::set<uint16_t> named;
  std::string status = "/run/satori-scand.json";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    uint64_t v;
    bool valued = a == "--rate" || a == "--idle" || a == "--domain" ||
                  a == "--max-records" || a == "--status";
    if (valued && i + 1 >= argc) {
      std::fprintf(stderr, "satori-scand: %s wants a value\n", a.c_str());
      return Usage();
    }
    if (a == "--rate") {
      if (!ParseU64(argv[++i], &rate) || rate == 0 || rate > 10000000) {
        std::fprintf(stderr,
                     "satori-scand: bad rate '%s' (pages per second, 1 to "
                     "10000000)\n",
                     argv[i]);
        return Usage();
      }
    } else if (a == "--idle") {
      if (!ParseU64(argv[++i], &idle_s) || idle_s > 86400) {
        std::fprintf(stderr,
                     "satori-scand: bad idle time '%s' (seconds, 0 to "
                     "86400)\n",
                     argv[i]);
        return Usage();
      }
    } else if (a == "--max-records") {
      if (!ParseU64(argv[++i], &max_records) || max_records == 0 ||
          max_records > kMostMaxRecords) {
        std::fprintf(stderr,
                     "satori-scand: bad record cap '%s' (records per guest, "
                     "1 to %llu)\n",
                     argv[i], static_cast<unsigned long long>(kMostMaxRecords));
        return Usage();
      }
    } else if (a == "--domain") {
      if (!ParseU64(argv[++i], &v) || v == 0 || v >= DOMID_FIRST_RESERVED) {
        std::fprintf(stderr, "satori-scand: '%s' is not a guest domain id\n",
                     argv[i]);
        return Usage();
      }
      named.insert(static_cast<uint16_t>(v));
    } else if (a == "--status") {
      status = argv[++i];
    } else if (a == "-h" || a == "--help") {
      return Help();
    } else {
      std::fprintf(stderr, "satori-scand: unknown argument '%s'\n", argv[i]);
      return Usage();
    }
  }

  satori::Unavailable why;
  std::string message;
  std::unique_ptr<satori::Hypervisor> hv =
      satori::Hypervisor::Open(&why, &message);
  xc_interface *xc = xc_interface_open(nullptr, nullptr, 0);
  xenforeignmemory_handle *fmem =
      xc ? xenforeignmemory_open(nullptr, 0) : nullptr;
  xs_handle *xs = xs_open(XS_OPEN_READONLY);
  if (!hv || !xc || !fmem || !xs) {
    std::fprintf(stderr, "satori-scand: %s\n",
                 !hv ? message.c_str()
                     : "cannot open xenctrl, foreign memory or xenstore");
    return 2;
  }
  for (uint16_t d : named) {
    satori::GuestKind k = satori::KindOf(xc, xs, d);
    if (k == satori::GuestKind::kGone) {
      std::fprintf(stderr, "satori-scand: no guest domain %u\n", d);
      return 2;
    }
    if (k == satori::GuestKind::kEnlightened) {
      std::fprintf(stderr,
                   "satori-scand: domain %u negotiated Satori hints: its "
                   "kernel registers its own pages, so it is not scanned\n",
                   d);
      return 2;
    }
    if (k == satori::GuestKind::kPv) {
      std::fprintf(stderr,
                   "satori-scand: domain %u is a PV guest: Satori shares "
                   "only HVM and PVH guests' memory, so it is not scanned\n",
                   d);
      return 2;
    }
  }

  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  rcu_register_thread();

  using Clock = std::chrono::steady_clock;
  constexpr auto kTick = std::chrono::milliseconds(20);
  const uint64_t per_tick = std::max<uint64_t>(1, rate / 50);
  {
    satori::Scanner scanner(xc, fmem, hv.get(), max_records);
    satori::Membership members;            // who is scanned, with hysteresis
    satori::PassPlan plan;                 // the pass under way
    std::vector<uint16_t> scanned, paused; // members.Scanned(), .Paused()
    std::set<uint16_t> told_pv, told_cut;  // domains a line was logged for
    satori::ScanCounters at_pass_start;
    auto next_tick = Clock::now(), next_look = Clock::now(),
         next_status = Clock::now(), idle_until = Clock::now();

    while (!stop) {
      auto now = Clock::now();
      if (now >= next_look) {
        // Who is scanned now. A guest found scannable for the first time
        // joins the pass under way; one found unscannable is paused, and
        // leaves (what was registered for it released) only when
        // kSettleChecks checks in a row agree; a dead one is forgotten.
        std::vector<uint16_t> listed =
            named.empty() ? satori::LiveGuests(xc)
                          : std::vector<uint16_t>(named.begin(), named.end());
        std::map<uint16_t, uint64_t> max_pages;
        auto apply = [&](uint16_t d, satori::Change c, satori::GuestKind k) {
          if (c == satori::Change::kJoin) {
            idle_until = now; // a new guest is scanned at once
          } else if (c == satori::Change::kLeave) {
            std::fprintf(
                stderr,
                "satori-scand: domain %u %s (%u checks in a row): releasing "
                "what was registered for it\n",
                d,
                k == satori::GuestKind::kEnlightened
                    ? "negotiated hints"
                    : "has a disk frontend not connected",
                satori::kSettleChecks);
            scanner.Forget(d, true);
            told_cut.erase(d);
          } else if (c == satori::Change::kDrop) {
            scanner.Forget(d, false); // Xen dropped its entries itself
            told_cut.erase(d);
          }
        };
        for (uint16_t d : listed) {
          uint64_t mp = 0;
          satori::GuestKind k = satori::KindOf(xc, xs, d, &mp);
          max_pages[d] = mp;
          if (k == satori::GuestKind::kPv && told_pv.insert(d).second)
            std::fprintf(stderr,
                         "satori-scand: domain %u is a PV guest: Satori "
                         "shares only HVM and PVH guests' memory, so it is "
                         "not scanned\n",
                         d);
          satori::Seen seen =
              k == satori::GuestKind::kUnenlightened ? satori::Seen::kScannable
              : k == satori::GuestKind::kGone        ? satori::Seen::kGone
                                              : satori::Seen::kNotScannable;
          apply(d, members.Observe(d, seen), k);
        }
        for (uint16_t d : members.Known())
          if (!max_pages.count(d))
            apply(d, members.Observe(d, satori::Seen::kGone),
                  satori::GuestKind::kGone);
        for (auto it = told_pv.begin(); it != told_pv.end();)
          it = max_pages.count(*it) ? std::next(it) : told_pv.erase(it);
        scanned = members.Scanned();
        paused = members.Paused();
        std::vector<satori::PassPlan::Member> in_plan;
        for (uint16_t d : scanned)
          in_plan.push_back({d, satori::HoleLimit(max_pages[d]), false});
        for (uint16_t d : paused)
          in_plan.push_back({d, satori::HoleLimit(max_pages[d]), true});
        plan.Update(in_plan);
        next_look = now + std::chrono::seconds(1);
      }
      bool idle = scanned.empty() || now < idle_until;
      if (now >= next_status) {
        std::vector<uint16_t> at_cap;
        for (const auto *ids : {&scanned, &paused})
          for (uint16_t d : *ids)
            if (scanner.Records(d) >= scanner.max_records())
              at_cap.push_back(d);
        std::sort(at_cap.begin(), at_cap.end());
        WriteStatus(status, rate, scanned, paused, at_cap, idle, scanner);
        next_status = now + std::chrono::seconds(1);
      }
      if (idle) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        next_tick = Clock::now();
        continue;
      }

      // One tick's worth of pages, then sleep to the next tick. The rate
      // counts pages that hold RAM; a hole costs 1/64 of a page (a map
      // attempt that finds nothing), and runs of holes are crossed a whole
      // batch at a time. The plan takes the guests in turns of at most
      // one batch of RAM, and ends a guest's walk at its hole limit.
      uint64_t budget = per_tick * satori::kPageCost;
      while (budget) {
        std::optional<satori::Batch> b = plan.Next(budget);
        if (!b) {
          // A full pass over every guest.
          satori::ScanCounters &c = scanner.counters();
          ++c.passes;
          // Quiet: no page seen for the first time, and registrations and
          // releases under 1 in 1000 pages scanned (content that keeps
          // changing is never registered, and is no reason to hurry).
          satori::ScanCounters pass = c;
          pass.first_seen -= at_pass_start.first_seen;
          pass.scanned -= at_pass_start.scanned;
          pass.registered -= at_pass_start.registered;
          pass.released -= at_pass_start.released;
          if (idle_s && !pass.first_seen &&
              (pass.registered + pass.released) * 1000 <= pass.scanned)
            idle_until = Clock::now() + std::chrono::seconds(idle_s);
          at_pass_start = c;
          plan.Restart();
          break;
        }
        unsigned mapped = 0;
        uint64_t next = scanner.ScanBatch(b->domid, b->first, b->n, &mapped);
        satori::PassPlan::Outcome o = plan.Report(*b, next, mapped);
        budget -= std::min(budget, o.cost);
        if (o.cut) {
          ++scanner.counters().cut;
          if (told_cut.insert(b->domid).second)
            std::fprintf(stderr,
                         "satori-scand: domain %u has more gfns without RAM "
                         "than its max_pages + %llu: its walk stopped at gfn "
                         "%llu in this pass (said once per guest)\n",
                         b->domid,
                         static_cast<unsigned long long>(satori::kHoleSlack),
                         static_cast<unsigned long long>(next));
        }
      }
      next_tick += kTick;
      std::this_thread::sleep_until(next_tick);
    }
    WriteStatus(status, rate, {}, {}, {}, true, scanner);
  }
  rcu_unregister_thread();
  xs_close(xs);
  xenforeignmemory_close(fmem);
  xc_interface_close(xc);
  return 0;
}
