// mem-watch: lab tool that samples every guest's memory against what Satori
// promises it may hold, continuously, for a while:
//
//   tot_pages + shr_pages + volatile frames held <= max_pages + entitled
//
// (docs/design.md: a domain's memory is its allocation plus the volatile frames
// its entitlement allows, at every instant, not only after a repayment
// deadline.)
//
//   mem-watch SECONDS [STOPFILE]
//
// Every few milliseconds it reads each domain's tot_pages, shr_pages and
// max_pages (XEN_DOMCTL_getdomaininfo) and its volatile frames and
// entitlement (SATORI_OP_volatile_stats). The two reads are not atomic: the
// domain info is read before and after the volatile stats, and the smaller
// of the two allocations counts, so a sample is over the bound only when
// both readings were. Prints, last:
//
//   mem-watch: seconds=N samples=N domains=N over=N worst=FRAMES
//
// over: domain samples above the bound; worst: the most frames above it.
// Exit status 0 (the caller checks over), 1 when Xen or Satori cannot be
// read, 2 on bad usage.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

extern "C" {
#include <xenctrl.h>
}

#include "hypervisor.h"

namespace {

constexpr int kMaxDomains = 64;

struct Alloc {
  uint64_t held = 0; // tot_pages + shr_pages
  uint64_t max = 0;  // max_pages
};

// Guest domains' allocations now, by domain id.
std::map<uint16_t, Alloc> Allocations(xc_interface *xch) {
  std::vector<xc_domaininfo_t> info(kMaxDomains);
  std::map<uint16_t, Alloc> out;
  int n = xc_domain_getinfolist(xch, 1, kMaxDomains, info.data());
  for (int i = 0; i < n; ++i) {
    if (info[i].flags & XEN_DOMINF_dying)
      continue;
    out[info[i].domain] = {info[i].tot_pages + info[i].shr_pages,
                           info[i].max_pages};
  }
  return out;
}

} // namespace

int main(int argc, char **argv) {
  char *end = nullptr;
  double seconds = argc >= 2 ? std::strtod(argv[1], &end) : 0;
  if (argc < 2 || argc > 3 || !end || *end || seconds <= 0) {
    std::fprintf(stderr, "usage: mem-watch SECONDS [STOPFILE]\n");
    return 2;
  }
  const char *stopfile = argc == 3 ? argv[2] : nullptr;
  xc_interface *xch = xc_interface_open(nullptr, nullptr, 0);
  satori::Unavailable why;
  std::string message;
  auto hv = satori::Hypervisor::Open(&why, &message);
  if (!xch || !hv) {
    std::fprintf(stderr, "mem-watch: %s\n",
                 xch ? message.c_str() : "cannot open Xen");
    return 1;
  }

  uint64_t samples = 0, over = 0, worst = 0;
  std::map<uint16_t, bool> seen;
  auto stop =
      std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() < stop &&
         !(stopfile && access(stopfile, F_OK) == 0)) {
    auto before = Allocations(xch);
    std::map<uint16_t, satori_volatile_stats> vol;
    for (const auto &[domid, a] : before) {
      satori_volatile_stats s{};
      s.domid = domid;
      if (hv->VolatileStats(domid, &s) == 0)
        vol[domid] = s;
    }
    auto after = Allocations(xch);
    for (const auto &[domid, s] : vol) {
      auto b = before.find(domid), a = after.find(domid);
      if (a == after.end())
        continue;
      seen[domid] = true;
      ++samples;
      uint64_t held = std::min(b->second.held, a->second.held) + s.held;
      uint64_t bound = std::max(b->second.max, a->second.max) + s.entitled;
      if (held > bound) {
        ++over;
        worst = std::max(worst, held - bound);
        std::printf("mem-watch: domain %u over by %llu frames (allocation "
                    "%llu, volatile %llu, max %llu, entitled %llu)\n",
                    domid, static_cast<unsigned long long>(held - bound),
                    static_cast<unsigned long long>(a->second.held),
                    static_cast<unsigned long long>(s.held),
                    static_cast<unsigned long long>(a->second.max),
                    static_cast<unsigned long long>(s.entitled));
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::printf(
      "mem-watch: seconds=%.1f samples=%llu domains=%zu over=%llu "
      "worst=%llu\n",
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count(),
      static_cast<unsigned long long>(samples), seen.size(),
      static_cast<unsigned long long>(over),
      static_cast<unsigned long long>(worst));
  xc_interface_close(xch);
  return 0;
}
