// satori-scand: dom0's scanner for guests whose kernel gives no hints.
//
// Scans the memory of unenlightened guests at a set rate and registers
// stable pages with Xen on their behalf (see scanner.h for the algorithm,
// targets.h for which guests). Runs until SIGTERM or SIGINT; its figures
// are in the status file (JSON, rewritten every second), which satori-top
// shows.
//
//   satori-scand [--rate PAGES_PER_SECOND] [--domain ID]... [--idle SECONDS]
//                [--status PATH]
//
//   --rate    pages scanned per second over all guests (default 5000:
//             KSM's default of 100 pages every 20 ms). Work is done in
//             20 ms ticks.
//   --domain  scan only this guest (repeatable; default: every guest that
//             did not negotiate hints). Naming an enlightened guest is an
//             error.
//   --idle    after a quiet pass (no page seen for the first time, and
//             fewer than 1 in 1000 pages registered or released), wait
//             this long before the next pass (default 10; 0: never wait).
//             With no guest to scan the daemon only looks for new guests,
//             once a second.
//   --status  the status file (default /run/satori-scand.json).
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
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <urcu.h>

#include "hypervisor.h"
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

int Usage() {
  std::fprintf(stderr,
               "usage: satori-scand [--rate PAGES_PER_SECOND] [--domain ID]... "
               "[--idle SECONDS] [--status PATH]\n");
  return 2;
}

double CpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// Writes the status file whole (rename), so a reader never sees half.
void WriteStatus(const std::string &path, uint64_t rate,
                 const std::vector<uint16_t> &domains, bool idle,
                 satori::Scanner &scanner) {
  const satori::ScanCounters &c = scanner.counters();
  std::string tmp = path + ".new";
  std::FILE *f = std::fopen(tmp.c_str(), "w");
  if (!f)
    return;
  std::fprintf(f, "{\"pid\": %d, \"rate\": %llu, \"domains\": [",
               static_cast<int>(getpid()),
               static_cast<unsigned long long>(rate));
  for (size_t i = 0; i < domains.size(); ++i)
    std::fprintf(f, "%s%u", i ? ", " : "", domains[i]);
  std::fprintf(
      f,
      "], \"idle\": %s, \"passes\": %llu, \"scanned\": %llu, "
      "\"fill\": %llu, \"first_seen\": %llu, \"changed\": %llu, "
      "\"registered\": %llu, \"merged\": "
      "%llu, "
      "\"released\": %llu, \"errors\": %llu, \"records\": %llu, "
      "\"cpu_s\": %.3f}\n",
      idle ? "true" : "false", static_cast<unsigned long long>(c.passes),
      static_cast<unsigned long long>(c.scanned),
      static_cast<unsigned long long>(c.fill),
      static_cast<unsigned long long>(c.first_seen),
      static_cast<unsigned long long>(c.changed),
      static_cast<unsigned long long>(c.registered),
      static_cast<unsigned long long>(c.merged),
      static_cast<unsigned long long>(c.released),
      static_cast<unsigned long long>(c.errors),
      static_cast<unsigned long long>(scanner.table().Size()), CpuSeconds());
  if (std::fclose(f) == 0)
    std::rename(tmp.c_str(), path.c_str());
}

} // namespace

int main(int argc, char **argv) {
  uint64_t rate = 5000, idle_s = 10;
  std::set<uint16_t> named;
  std::string status = "/run/satori-scand.json";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    uint64_t v;
    if (a == "--rate" && i + 1 < argc) {
      if (!ParseU64(argv[++i], &rate) || rate == 0 || rate > 10000000)
        return Usage();
    } else if (a == "--idle" && i + 1 < argc) {
      if (!ParseU64(argv[++i], &idle_s) || idle_s > 86400)
        return Usage();
    } else if (a == "--domain" && i + 1 < argc) {
      if (!ParseU64(argv[++i], &v) || v == 0 || v >= DOMID_FIRST_RESERVED) {
        std::fprintf(stderr, "satori-scand: '%s' is not a guest domain id\n",
                     argv[i]);
        return Usage();
      }
      named.insert(static_cast<uint16_t>(v));
    } else if (a == "--status" && i + 1 < argc) {
      status = argv[++i];
    } else if (a == "-h" || a == "--help") {
      Usage();
      return 0;
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
    satori::Scanner scanner(xc, fmem, hv.get());
    std::vector<uint16_t> targets; // guests being scanned, in id order
    size_t cur = 0;                // index into targets
    uint64_t next_gfn = 0;
    satori::ScanCounters at_pass_start;
    bool in_hole = false; // the last batch held no RAM
    auto next_tick = Clock::now(), next_look = Clock::now(),
         next_status = Clock::now(), idle_until = Clock::now();

    while (!stop) {
      auto now = Clock::now();
      if (now >= next_look) {
        // Who is scanned now: guests that left (died, negotiated hints)
        // are forgotten; new ones join at the end of the pass.
        std::vector<uint16_t> want;
        for (uint16_t d : named.empty() ? satori::LiveGuests(xc)
                                        : std::vector<uint16_t>(named.begin(),
                                                                named.end())) {
          satori::GuestKind k = satori::KindOf(xc, xs, d);
          if (k == satori::GuestKind::kUnenlightened)
            want.push_back(d);
          else if (k == satori::GuestKind::kEnlightened &&
                   std::find(targets.begin(), targets.end(), d) !=
                       targets.end())
            std::fprintf(stderr,
                         "satori-scand: domain %u negotiated hints: "
                         "releasing what was registered for it\n",
                         d);
        }
        for (uint16_t d : targets)
          if (std::find(want.begin(), want.end(), d) == want.end())
            scanner.Forget(d, satori::KindOf(xc, xs, d) !=
                                  satori::GuestKind::kGone);
        for (uint16_t d : want) // a new guest is scanned at once
          if (std::find(targets.begin(), targets.end(), d) == targets.end())
            idle_until = now;
        uint16_t at = cur < targets.size() ? targets[cur] : 0;
        targets = want;
        auto it = std::find(targets.begin(), targets.end(), at);
        if (it == targets.end()) {
          cur = 0;
          next_gfn = 0;
        } else {
          cur = static_cast<size_t>(it - targets.begin());
        }
        next_look = now + std::chrono::seconds(1);
      }
      bool idle = targets.empty() || now < idle_until;
      if (now >= next_status) {
        WriteStatus(status, rate, targets, idle, scanner);
        next_status = now + std::chrono::seconds(1);
      }
      if (idle) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        next_tick = Clock::now();
        continue;
      }

      // One tick's worth of pages, then sleep to the next tick.
      // The rate counts pages that hold RAM; a hole costs 1/64 of a page
      // (a map attempt that finds nothing), and runs of holes are crossed
      // a whole batch at a time.
      uint64_t budget = per_tick * 64;
      while (budget && !targets.empty()) {
        unsigned n = in_hole ? SATORI_BATCH_MAX
                             : static_cast<unsigned>(std::clamp<uint64_t>(
                                   budget / 64, 1, SATORI_BATCH_MAX));
        unsigned mapped = 0;
        uint64_t at = next_gfn;
        next_gfn = scanner.ScanBatch(targets[cur], at, n, &mapped);
        in_hole = !mapped;
        uint64_t visited = next_gfn ? next_gfn - at : n;
        budget -= std::min(budget, mapped * 64 + (visited - mapped));
        if (next_gfn)
          continue;
        if (++cur < targets.size())
          continue;
        // A full pass over every guest.
        cur = 0;
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
        break;
      }
      next_tick += kTick;
      std::this_thread::sleep_until(next_tick);
    }
    WriteStatus(status, rate, {}, true, scanner);
  }
  rcu_unregister_thread();
  xs_close(xs);
  xenforeignmemory_close(fmem);
  xc_interface_close(xc);
  return 0;
}
