// satori-top: the live view of a Satori host, run in dom0.
//
//   satori-top [-d SECONDS] [-s COLUMN] [-r]            interactive (ncurses)
//   satori-top -b [-n N] [-d SECONDS] [--json] [-s COLUMN] [-r]
//   satori-top --prometheus FILE [-n N] [-d SECONDS]
//
// Reads Satori's counters from the hypervisor (SATORI_OP_host_stats,
// SATORI_OP_domain_stats and SATORI_OP_volatile_stats) and the domain list from
// the toolstack, every -d seconds (default 1). Batch mode prints N snapshots
// (default 1) as text or, with --json, one JSON object per line. --prometheus
// rewrites FILE atomically at each snapshot, for node_exporter's textfile
// collector. Interactive keys: q quit, p pause, < > sort column, r
// reverse, h help.
//
// Exit status: 0 ok; 2 bad arguments; 3 not on Xen; 4 not dom0; 5 no
// permission; 6 Satori compiled out; 7 satori=off; 8 interface version
// mismatch; 9 a hypercall or the output failed.
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "domains.h"
#include "hypervisor.h"
#include "model.h"
#include "screen.h"

namespace {

struct Options {
  double delay_s = 1;
  long count = -1; // -1: batch default 1, interactive forever
  bool batch = false;
  bool json = false;
  std::string prometheus;
  std::string sort = "shared";
  bool reverse = false;
};

int Usage(const char *why) {
  if (why)
    std::fprintf(stderr, "satori-top: %s\n", why);
  std::fprintf(stderr, "usage: satori-top [-b] [-n N] [-d SECONDS] [--json] "
                       "[--prometheus FILE] [-s COLUMN] [-r]\n");
  return 2;
}

double Now() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// One reading. Domains that vanish between the list and the query are
// left out; any other hypercall error is fatal (returns false).
bool Sample(satori::Hypervisor &hv, satori::DomainSource &doms,
            satori::Snapshot *s, std::string *err) {
  s->time_s = Now();
  int rc = hv.HostStats(&s->host);
  if (rc) {
    *err = "host statistics: " + std::string(std::strerror(-rc));
    return false;
  }
  // The host's repayment counters came with interface 1.4.
  s->host_vol = satori_volatile_stats{};
  if ((hv.InterfaceVersion() & 0xffff) >= 4 &&
      (rc = hv.VolatileStats(SATORI_DOMID_ANY, &s->host_vol))) {
    *err = "host volatile statistics: " + std::string(std::strerror(-rc));
    return false;
  }
  s->scanner = satori::ReadScannerStatus(satori::kScannerStatusPath);
  s->domains.clear();
  for (const satori::DomainInfo &d : doms.List()) {
    satori::DomainSample ds;
    ds.info = d;
    rc = hv.DomainStats(static_cast<uint16_t>(d.id), &ds.stats);
    // Entitlements and volatile frames came with interface 1.3.
    if (rc == 0 && (hv.InterfaceVersion() & 0xffff) >= 3)
      rc = hv.VolatileStats(static_cast<uint16_t>(d.id), &ds.vol);
    if (rc == -ESRCH)
      continue;
    if (rc) {
      *err = "statistics of domain " + std::to_string(d.id) + ": " +
             std::strerror(-rc);
      return false;
    }
    s->domains.push_back(ds);
  }
  return true;
}

bool WriteFileAtomically(const std::string &path, const std::string &text) {
  std::string tmp = path + ".tmp";
  std::FILE *f = std::fopen(tmp.c_str(), "w");
  if (!f)
    return false;
  bool ok = std::fputs(text.c_str(), f) >= 0;
  ok = std::fclose(f) == 0 && ok;
  return ok && std::rename(tmp.c_str(), path.c_str()) == 0;
}

bool ParseDouble(const char *s, double *out) {
  char *end = nullptr;
  errno = 0;
  *out = std::strtod(s, &end);
  return !errno && end != s && !*end;
}

} // namespace

int main(int argc, char **argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> const char * {
      return i + 1 < argc ? argv[++i] : nullptr;
    };
    if (a == "-b" || a == "--batch") {
      o.batch = true;
    } else if (a == "--json") {
      o.json = o.batch = true;
    } else if (a == "-n") {
      const char *v = value();
      double n;
      if (!v || !ParseDouble(v, &n) || n < 1 || n != static_cast<long>(n))
        return Usage("-n wants a whole number of snapshots >= 1");
      o.count = static_cast<long>(n);
    } else if (a == "-d") {
      const char *v = value();
      if (!v || !ParseDouble(v, &o.delay_s) || o.delay_s < 0.1 ||
          o.delay_s > 3600)
        return Usage("-d wants seconds between 0.1 and 3600");
    } else if (a == "--prometheus") {
      const char *v = value();
      if (!v || !*v)
        return Usage("--prometheus wants a file name");
      o.prometheus = v;
      o.batch = true;
    } else if (a == "-s") {
      const char *v = value();
      if (!v)
        return Usage("-s wants a column");
      o.sort = v;
    } else if (a == "-r") {
      o.reverse = true;
    } else if (a == "-h" || a == "--help") {
      Usage(nullptr);
      std::fprintf(stderr, "columns (for -s): id name");
      for (const satori::Column &c : satori::Columns())
        std::fprintf(stderr, " %s", c.key);
      std::fprintf(stderr, "\n");
      return 0;
    } else {
      return Usage(("unknown argument " + a).c_str());
    }
  }
  {
    satori::View probe;
    if (!satori::SortRows(&probe, o.sort, false))
      return Usage(("no column " + o.sort + " (see --help)").c_str());
  }

  satori::Unavailable why;
  std::string message;
  auto hv = satori::Hypervisor::Open(&why, &message);
  if (!hv) {
    std::fprintf(stderr, "satori-top: %s\n", message.c_str());
    return static_cast<int>(why);
  }
  auto doms = satori::DomainSource::Open();
  if (!doms) {
    std::fprintf(stderr, "satori-top: cannot open libxenctrl: %s\n",
                 std::strerror(errno));
    return 9;
  }

  if (!o.batch)
    return satori::RunScreen(
        [&](satori::Snapshot *s, std::string *err) {
          return Sample(*hv, *doms, s, err);
        },
        o.delay_s, o.sort, o.reverse);

  long count = o.count < 0 ? 1 : o.count;
  satori::Snapshot prev, now;
  bool have_prev = false;
  for (long n = 0; n < count; ++n) {
    if (n)
      std::this_thread::sleep_for(std::chrono::duration<double>(o.delay_s));
    std::string err;
    if (!Sample(*hv, *doms, &now, &err)) {
      std::fprintf(stderr, "satori-top: %s\n", err.c_str());
      return 9;
    }
    satori::View v = satori::MakeView(now, have_prev ? &prev : nullptr);
    satori::SortRows(&v, o.sort, o.reverse);
    if (!o.prometheus.empty()) {
      if (!WriteFileAtomically(o.prometheus, satori::FormatPrometheus(v))) {
        std::fprintf(stderr, "satori-top: cannot write %s: %s\n",
                     o.prometheus.c_str(), std::strerror(errno));
        return 9;
      }
    } else {
      std::fputs(o.json ? satori::FormatJson(v).c_str()
                        : (satori::FormatText(v) + "\n").c_str(),
                 stdout);
      std::fflush(stdout);
    }
    prev = now;
    have_prev = true;
  }
  return 0;
}
