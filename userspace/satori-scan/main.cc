// satori-scan: the measuring stick for Satori's coverage, run in dom0.
//
// Maps every page of each guest (foreign mapping, read-only), hashes it
// (XXH3) and reports how much memory sharing could save at best right now
// (see census.h). With --rate it scans at most that many pages per second,
// which makes it the scanning baseline to compare Satori with (KSM's
// default is 100 pages every 20 ms: --rate 5000). Each --disk (a guest's
// disk image or block device) is hashed block by block first, so pages
// holding file data read from disk are reported apart ("file"). Each
// --kernel (a guest kernel's ELF vmlinux) is read before anything else:
// the pages of its text and read-only data (kernel_image.h) tell guest
// pages holding them apart ("kernel_text", "kernel_rodata").
//
//   satori-scan [--rate PAGES_PER_SECOND] [--disk PATH]... [--kernel PATH]...
//               [DOMID...]   (default: all guests)
//
// Output, each line "satori-scan: " then name=value fields (the lab reads
// them: these lines and fields stay as they are; new ones are added):
//   kernel=PATH text=N rodata=N      per --kernel: its non-fill pages hashed
//   disk=PATH blocks=N               per --disk: its non-fill blocks hashed
//   domain=D pages= fill= zero= shareable= file= file_shareable=
//                                    per domain (census.h says what each is)
//   domain=D kind=K pages=N shareable=N max_saved=N
//                                    per domain, after its line, one per kind
//   kind=K pages=N shareable=N max_saved=N
//                                    the domains' sums, one per kind
//   domains= pages= fill= zero= distinct= shareable= max_saved= file=
//   file_shareable= file_max_saved= seconds=
//                                    the total, always the last line
// K is, in this order, zero, fill, file, kernel_text, kernel_rodata,
// other: every page is of exactly one kind, the first that fits (census.h).
//
// Exit status: 0 on success, 1 if a domain could not be scanned, 2 on bad
// arguments, when the hypervisor interface cannot be opened or a disk or
// kernel image cannot be read (nothing is scanned then). --help (kHelp
// below) says the same to the user.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "census.h"
#include "cli.h"
#include "guest_memory.h"
#include "kernel_image.h"
#include "scan_options.h"

namespace {

const char kUsage[] = "usage: satori-scan [--rate PAGES_PER_SECOND] "
                      "[--disk PATH]... [--kernel PATH]... [DOMID...]\n"
                      "       satori-scan --help | --version\n";

const char kHelp[] =
    "\n"
    "Maps every page of each guest (default: every guest) read-only, hashes\n"
    "it and reports how much memory sharing could save at best right now.\n"
    "\n"
    "  --rate PAGES_PER_SECOND  scan at most this many pages per second\n"
    "                           (default: as fast as it can; KSM's default\n"
    "                           is 5000)\n"
    "  --disk PATH              hash this guest disk image or block device\n"
    "                           first (repeatable), so that pages holding\n"
    "                           its data are reported apart (\"file\")\n"
    "  --kernel PATH            read this guest kernel image (an ELF\n"
    "                           vmlinux) first (repeatable), so that pages\n"
    "                           holding its text or read-only data are\n"
    "                           reported apart (\"kernel_text\",\n"
    "                           \"kernel_rodata\")\n"
    "  -h, --help               print this help and exit\n"
    "  -V, --version            print the version and exit\n"
    "\n"
    "Every page is counted in one kind (kind=), the first that fits: zero,\n"
    "fill (another repeated byte), file, kernel_text, kernel_rodata, other.\n"
    "\n"
    "Exit status: 0 ok; 1 a domain could not be scanned; 2 bad arguments,\n"
    "the hypervisor interface cannot be opened, or a disk or kernel image\n"
    "cannot be read.\n";

int Usage(const std::string &why) {
  return satori::UsageError("satori-scan", why, kUsage);
}

// Adds every non-fill 4 KiB block of the disk at path to the census's
// file set. Returns false (errno set) if it cannot be read.
bool HashDisk(const std::string &path, satori::PageCensus *census,
              uint64_t *blocks) {
  std::FILE *f = std::fopen(path.c_str(), "rb");
  if (!f)
    return false;
  std::vector<unsigned char> buf(satori::GuestMemory::kPageSize * 256);
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0) {
    for (size_t off = 0; off + satori::GuestMemory::kPageSize <= n;
         off += satori::GuestMemory::kPageSize) {
      const unsigned char *b = buf.data() + off;
      if (satori::IsFillPage(b))
        continue;
      census->AddFileBlock(XXH3_64bits(b, satori::GuestMemory::kPageSize));
      ++*blocks;
    }
  }
  bool ok = !std::ferror(f);
  std::fclose(f);
  return ok;
}

// Adds every non-fill page of the kernel image at path (kernel_image.h) to
// the census's kernel sets, counting them in *text and *rodata. Returns
// false with *why if it cannot be read or is no kernel image.
bool HashKernel(const std::string &path, satori::PageCensus *census,
                uint64_t *text, uint64_t *rodata, std::string *why) {
  return satori::ReadKernelImage(
      path,
      [&](const unsigned char *page, bool is_text) {
        if (satori::IsFillPage(page))
          return;
        census->AddKernelPage(XXH3_64bits(page, satori::GuestMemory::kPageSize),
                              is_text);
        ++*(is_text ? text : rodata);
      },
      why);
}

// Prints one kind's figures, after prefix ("" or "domain=D ").
void PrintKind(const char *prefix, satori::PageKind kind,
               const satori::KindCensus &k) {
  std::printf("satori-scan: %skind=%s pages=%llu shareable=%llu "
              "max_saved=%llu\n",
              prefix, satori::PageKindName(kind),
              static_cast<unsigned long long>(k.pages),
              static_cast<unsigned long long>(k.shareable),
              static_cast<unsigned long long>(k.max_saved));
}

void PrintKinds(const char *prefix, const satori::KindCensuses &kinds) {
  for (size_t k = 0; k < satori::kPageKinds; ++k)
    PrintKind(prefix, static_cast<satori::PageKind>(k), kinds[k]);
}

// Scans one domain into the census. Returns false if it could not.
bool ScanDomain(xc_interface *xch, xenforeignmemory_handle *fmem,
                uint32_t domid, uint64_t rate, satori::PageCensus *census,
                uint64_t *scanned) {
  satori::GuestMemory mem(fmem);
  if (!mem.Map(xch, domid)) {
    std::fprintf(stderr, "satori-scan: domain %u: cannot read its size: %s\n",
                 domid, std::strerror(errno));
    return false;
  }
  auto start = std::chrono::steady_clock::now();
  uint64_t done = 0;
  for (const unsigned char *p : mem.pages()) {
    bool fill = satori::IsFillPage(p);
    // A fill page's bytes all equal its first: zero when that is 0.
    census->Add(domid,
                fill ? p[0] : XXH3_64bits(p, satori::GuestMemory::kPageSize),
                fill, fill && p[0] == 0);
    ++done;
    if (rate && done % 256 == 0)
      std::this_thread::sleep_until(
          start + std::chrono::duration<double>(static_cast<double>(done) /
                                                static_cast<double>(rate)));
  }
  *scanned += done;
  return true;
}

} // namespace

int main(int argc, char **argv) {
  satori::scan::Options o;
  std::string why;
  if (!satori::scan::ParseOptions(
          std::vector<std::string>(argv + 1, argv + argc), &o, &why))
    return Usage(why);
  if (o.help)
    return satori::PrintHelp(std::string(kUsage) + kHelp);
  if (o.version)
    return satori::PrintHelp(satori::VersionText("satori-scan"));
  const uint64_t rate = o.rate;
  std::vector<uint32_t> domids = o.domids;
  const std::vector<std::string> &disks = o.disks;

  // Kernel images first: a bad one ends the run before anything is opened
  // or scanned.
  satori::PageCensus census;
  for (const std::string &kernel : o.kernels) {
    uint64_t text = 0, rodata = 0;
    std::string kwhy;
    if (!HashKernel(kernel, &census, &text, &rodata, &kwhy)) {
      std::fprintf(stderr, "satori-scan: cannot read kernel image %s: %s\n",
                   kernel.c_str(), kwhy.c_str());
      return 2;
    }
    std::printf("satori-scan: kernel=%s text=%llu rodata=%llu\n",
                kernel.c_str(), static_cast<unsigned long long>(text),
                static_cast<unsigned long long>(rodata));
  }

  xc_interface *xch = xc_interface_open(nullptr, nullptr, 0);
  xenforeignmemory_handle *fmem =
      xch ? xenforeignmemory_open(nullptr, 0) : nullptr;
  if (!xch || !fmem) {
    std::fprintf(stderr, "satori-scan: cannot open the hypervisor interface "
                         "(run it as root in dom0 of a Xen host)\n");
    return 2;
  }

  if (domids.empty()) {
    std::vector<xc_domaininfo_t> info(1024);
    int n = xc_domain_getinfolist(xch, 1, info.size(), info.data());
    for (int i = 0; i < n; ++i)
      domids.push_back(info[i].domain);
  }

  for (const std::string &disk : disks) {
    uint64_t blocks = 0;
    if (!HashDisk(disk, &census, &blocks)) {
      std::fprintf(stderr, "satori-scan: cannot read disk %s: %s\n",
                   disk.c_str(), std::strerror(errno));
      return 2;
    }
    std::printf("satori-scan: disk=%s blocks=%llu\n", disk.c_str(),
                static_cast<unsigned long long>(blocks));
  }
  uint64_t scanned = 0;
  bool ok = true;
  auto t0 = std::chrono::steady_clock::now();
  for (uint32_t domid : domids)
    ok = ScanDomain(xch, fmem, domid, rate, &census, &scanned) && ok;
  double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
          .count();

  satori::CensusSummary s = census.Summarize();
  for (const auto &[domid, d] : s.per_domain) {
    std::printf("satori-scan: domain=%u pages=%llu fill=%llu zero=%llu "
                "shareable=%llu file=%llu file_shareable=%llu\n",
                domid, static_cast<unsigned long long>(d.pages),
                static_cast<unsigned long long>(d.fill),
                static_cast<unsigned long long>(d.zero),
                static_cast<unsigned long long>(d.shareable),
                static_cast<unsigned long long>(d.file),
                static_cast<unsigned long long>(d.file_shareable));
    PrintKinds(("domain=" + std::to_string(domid) + " ").c_str(), d.kinds);
  }
  PrintKinds("", s.kinds);
  // The total stays the last line: the lab reads it with tail -1.
  std::printf("satori-scan: domains=%llu pages=%llu fill=%llu zero=%llu "
              "distinct=%llu shareable=%llu max_saved=%llu file=%llu "
              "file_shareable=%llu file_max_saved=%llu seconds=%.1f\n",
              static_cast<unsigned long long>(s.domains),
              static_cast<unsigned long long>(s.pages),
              static_cast<unsigned long long>(s.fill),
              static_cast<unsigned long long>(s.zero),
              static_cast<unsigned long long>(s.distinct),
              static_cast<unsigned long long>(s.shareable),
              static_cast<unsigned long long>(s.max_saved),
              static_cast<unsigned long long>(s.file),
              static_cast<unsigned long long>(s.file_shareable),
              static_cast<unsigned long long>(s.file_max_saved), secs);

  xenforeignmemory_close(fmem);
  xc_interface_close(xch);
  return ok ? 0 : 1;
}
