// populate-gfn: lab tool that gives a guest one page of RAM at a gfn of
// dom0's choosing, as the guest's own kernel could (XENMEM_populate_physmap
// on itself): the scan test uses it to give an unenlightened guest a page
// near 2^35, the hostile "far gfn" that once made satori-scand's pass take
// hours.
//
//   populate-gfn DOMID GFN
//
// Prints "populate-gfn: domain=N gfn=0x... rc=N" (0, or the negative errno
// Xen gave); exit status 0 when the page was populated, 1 when Xen refused
// or cannot be opened, 2 on bad usage.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

extern "C" {
#include <xenctrl.h>
}

int main(int argc, char **argv) {
  char *e1 = nullptr, *e2 = nullptr;
  unsigned long domid = argc == 3 ? std::strtoul(argv[1], &e1, 0) : 0;
  unsigned long long gfn = argc == 3 ? std::strtoull(argv[2], &e2, 0) : 0;
  if (argc != 3 || !e1 || *e1 || !e2 || *e2 || domid == 0 ||
      domid >= DOMID_FIRST_RESERVED) {
    std::fprintf(stderr, "usage: populate-gfn DOMID GFN\n");
    return 2;
  }
  xc_interface *xch = xc_interface_open(nullptr, nullptr, 0);
  if (!xch) {
    std::fprintf(stderr, "populate-gfn: cannot open Xen\n");
    return 1;
  }
  xen_pfn_t pfn = gfn;
  int rc = xc_domain_populate_physmap_exact(xch, static_cast<uint32_t>(domid),
                                            1, 0, 0, &pfn);
  if (rc)
    rc = -errno;
  std::printf("populate-gfn: domain=%lu gfn=%#llx rc=%d\n", domid, gfn, rc);
  xc_interface_close(xch);
  return rc ? 1 : 0;
}
