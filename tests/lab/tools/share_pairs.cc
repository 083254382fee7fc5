// share-pairs: lab tool that shares equal pages of two guests through Xen's
// memory sharing directly, without Satori: the satori-off test uses it to
// show that stock Xen refuses sharing on NPT. It also runs Xen's sharing
// audit for every lab boot.
//
//   share-pairs DOMA DOMB MAXPAIRS
//   share-pairs --audit        Xen's memory-sharing audit (debug builds):
//                              audit errors=N; exit 1 unless N is 0
//
// Pauses both guests, maps every page of each, finds pages of B whose bytes
// equal a page of A (hash to find candidates, then a full compare: a hash is
// never trusted), enables sharing on both, nominates and shares up to
// MAXPAIRS such pairs, and unpauses. Prints
//   share-pairs: candidates=N shared=N failed=N freed=N
// Exit status: 0 when at least one pair was shared, 3 when Xen refused to
// enable sharing (the errno is printed), 1 on other errors, 2 on bad usage.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unordered_map>
#include <utility>
#include <vector>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "guest_memory.h"

using satori::GuestMemory;
using satori::IsFillPage;
constexpr size_t kPage = GuestMemory::kPageSize;

int main(int argc, char **argv) {
  if (argc == 2 && !std::strcmp(argv[1], "--audit")) {
    xc_interface *xch = xc_interface_open(nullptr, nullptr, 0);
    if (!xch)
      return std::fprintf(stderr, "share-pairs: cannot open Xen\n"), 1;
    // The audit walks every shared frame and checks its reverse map, owner,
    // type and refcount against the p2m of each sharer; it returns the
    // number of inconsistencies (-EOPNOTSUPP in release builds).
    int rc = xc_memshr_audit(xch);
    xc_interface_close(xch);
    if (rc < 0) {
      std::printf("share-pairs: audit unavailable: %s\n", std::strerror(errno));
      return 1;
    }
    std::printf("share-pairs: audit errors=%d\n", rc);
    return rc ? 1 : 0;
  }
  if (argc != 4)
    return std::fprintf(stderr, "usage: share-pairs DOMA DOMB MAXPAIRS\n"), 2;
  uint32_t a = std::atoi(argv[1]), b = std::atoi(argv[2]);
  long max_pairs = std::atol(argv[3]);
  if (!a || !b || a == b || max_pairs <= 0)
    return std::fprintf(stderr, "share-pairs: bad arguments\n"), 2;

  xc_interface *xch = xc_interface_open(nullptr, nullptr, 0);
  xenforeignmemory_handle *fmem = xenforeignmemory_open(nullptr, 0);
  if (!xch || !fmem)
    return std::fprintf(stderr, "share-pairs: cannot open Xen interfaces\n"), 1;

  if (xc_domain_pause(xch, a) || xc_domain_pause(xch, b))
    return std::fprintf(stderr, "share-pairs: cannot pause\n"), 1;

  int rc = 1;
  GuestMemory ma(fmem), mb(fmem);
  long candidates = 0, shared = 0, failed = 0;
  unsigned long freed_before = xc_sharing_freed_pages(xch);
  if (!ma.Map(xch, a) || !mb.Map(xch, b)) {
    std::fprintf(stderr, "share-pairs: cannot map the guests\n");
  } else if (xc_memshr_control(xch, a, 1) || xc_memshr_control(xch, b, 1)) {
    std::printf("share-pairs: enable refused: %s\n", std::strerror(errno));
    rc = 3;
  } else {
    // The guests are paused: what is compared here is what gets shared.
    std::unordered_map<uint64_t, size_t> in_a; // hash -> index in ma
    for (size_t i = 0; i < ma.pages().size(); ++i)
      if (!IsFillPage(ma.pages()[i]))
        in_a.emplace(XXH3_64bits(ma.pages()[i], kPage), i);
    std::vector<std::pair<xen_pfn_t, xen_pfn_t>> pairs;
    for (size_t j = 0; j < mb.pages().size() && (long)pairs.size() < max_pairs;
         ++j) {
      if (IsFillPage(mb.pages()[j]))
        continue;
      auto it = in_a.find(XXH3_64bits(mb.pages()[j], kPage));
      if (it == in_a.end() ||
          std::memcmp(ma.pages()[it->second], mb.pages()[j], kPage))
        continue;
      pairs.emplace_back(ma.gfns()[it->second], mb.gfns()[j]);
      in_a.erase(it); // one pair per page of A
    }
    candidates = pairs.size();
    // Mappings hold page references, which would make nomination fail.
    ma.Release();
    mb.Release();
    for (auto [ga, gb] : pairs) {
      uint64_t ha, hb;
      if (xc_memshr_nominate_gfn(xch, a, ga, &ha) ||
          xc_memshr_nominate_gfn(xch, b, gb, &hb) ||
          xc_memshr_share_gfns(xch, a, ga, ha, b, gb, hb))
        ++failed;
      else
        ++shared;
    }
    rc = shared ? 0 : 1;
  }
  std::printf("share-pairs: candidates=%ld shared=%ld failed=%ld freed=%ld\n",
              candidates, shared, failed,
              static_cast<long>(xc_sharing_freed_pages(xch)) -
                  static_cast<long>(freed_before));
  ma.Release();
  mb.Release();
  xc_domain_unpause(xch, a);
  xc_domain_unpause(xch, b);
  return rc;
}
