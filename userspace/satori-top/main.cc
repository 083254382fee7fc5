// satori-top: the live view of a Satori host, run in dom0. Its options,
// keys and exit statuses are written once, in its help (satori-top --help;
// HelpText() in options.cc).
//
// Reads Satori's counters from the hypervisor (SATORI_OP_query's flags,
// SATORI_OP_host_stats, SATORI_OP_domain_stats and
// SATORI_OP_volatile_stats) and the domain list from the toolstack, every
// -d seconds; model.cc turns two readings into rates and renders them,
// screen.cc draws them.
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "cli.h"
#include "domains.h"
#include "files.h"
#include "hypervisor.h"
#include "model.h"
#include "options.h"
#include "screen.h"

namespace {

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
  // Whether free-page reporting is on (SATORI_QUERY_F_REPORT, 1.9).
  satori_query q{};
  if ((rc = hv.Query(&q))) {
    *err = "query: " + std::string(std::strerror(-rc));
    return false;
  }
  s->query_flags = q.flags;
  // The host's repayment counters came with interface 1.4.
  s->host_vol = satori_volatile_stats{};
  if ((hv.InterfaceVersion() & 0xffff) >= 4 &&
      (rc = hv.VolatileStats(SATORI_DOMID_ANY, &s->host_vol))) {
    *err = "host volatile statistics: " + std::string(std::strerror(-rc));
    return false;
  }
  // Run states came with interface 1.8; an older Satori always runs.
  bool has_run = (hv.InterfaceVersion() & 0xffff) >= 8;
  if (!has_run)
    s->host.run = SATORI_RUN_ON;
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
    if (!has_run)
      ds.stats.run = SATORI_RUN_ON;
    if (rc) {
      *err = "statistics of domain " + std::to_string(d.id) + ": " +
             std::strerror(-rc);
      return false;
    }
    s->domains.push_back(ds);
  }
  return true;
}

// The file --textfile or --prometheus names, or "".
const std::string &MetricsFile(const satori::top::Options &o) {
  return o.textfile.empty() ? o.prometheus : o.textfile;
}

// Writes the metrics file; false (with a message on stderr) if it fails.
bool WriteMetrics(const satori::top::Options &o,
                  const satori::ScrapeStatus &status,
                  const satori::View *view) {
  if (satori::WriteFileAtomically(MetricsFile(o),
                                  satori::FormatTextfile(status, view)))
    return true;
  std::fprintf(stderr, "satori-top: cannot write %s: %s\n",
               MetricsFile(o).c_str(), std::strerror(errno));
  return false;
}

// Batch mode: o.count snapshots, o.delay_s apart, to stdout or the
// metrics file. With --textfile a snapshot that cannot be read is a file
// saying so (satori_scrape_success 0), and the next one is tried.
int RunBatch(satori::Hypervisor &hv, satori::DomainSource &doms,
             const satori::top::Options &o) {
  satori::Snapshot prev, now;
  bool have_prev = false;
  for (long n = 0; n < o.count; ++n) {
    if (n)
      std::this_thread::sleep_for(std::chrono::duration<double>(o.delay_s));
    std::string err;
    double start = Now();
    if (!Sample(hv, doms, &now, &err)) {
      std::fprintf(stderr, "satori-top: %s\n", err.c_str());
      if (MetricsFile(o).empty())
        return 9;
      satori::ScrapeStatus status{true, 9, false, Now() - start};
      if (!WriteMetrics(o, status, nullptr) || o.textfile.empty())
        return 9;
      have_prev = false;
      continue;
    }
    satori::View v = satori::MakeView(now, have_prev ? &prev : nullptr);
    satori::SortRows(&v, o.sort, o.reverse);
    if (!MetricsFile(o).empty()) {
      if (!WriteMetrics(o, {true, 0, true, Now() - start}, &v))
        return 9;
    } else {
      std::string out =
          o.json ? satori::FormatJson(v) : satori::FormatText(v) + "\n";
      if (std::fputs(out.c_str(), stdout) < 0 || std::fflush(stdout)) {
        std::fprintf(stderr, "satori-top: cannot write output\n");
        return 9;
      }
    }
    prev = now;
    have_prev = true;
  }
  return 0;
}

// Satori cannot be read at all (status 3..9, message said why; up: Satori
// answered, but the toolstack did not): the metrics file says so, so that
// no stale file stays behind. --textfile then exits 0, having written the
// file; anything else exits status.
int Unavailable(const satori::top::Options &o, bool up, int status,
                const std::string &message) {
  std::fprintf(stderr, "satori-top: %s\n", message.c_str());
  if (MetricsFile(o).empty())
    return status;
  if (!WriteMetrics(o, {up, status, false, 0}, nullptr))
    return 9;
  return o.textfile.empty() ? status : 0;
}

} // namespace

int main(int argc, char **argv) {
  satori::top::Options o;
  std::string why;
  if (!satori::top::ParseOptions(
          std::vector<std::string>(argv + 1, argv + argc), &o, &why))
    return satori::UsageError("satori-top", why, satori::top::kUsage);
  if (o.help)
    return satori::PrintHelp(satori::top::HelpText());
  if (o.version)
    return satori::PrintHelp(satori::VersionText("satori-top"));

  satori::Unavailable unavailable;
  std::string message;
  auto hv = satori::Hypervisor::Open(&unavailable, &message);
  if (!hv)
    return Unavailable(o, false, static_cast<int>(unavailable), message);
  auto doms = satori::DomainSource::Open();
  if (!doms)
    return Unavailable(o, true, 9,
                       "cannot open libxenctrl: " +
                           std::string(std::strerror(errno)));
  if (o.batch)
    return RunBatch(*hv, *doms, o);
  return satori::RunScreen(
      [&](satori::Snapshot *s, std::string *err) {
        return Sample(*hv, *doms, s, err);
      },
      o.delay_s, o.sort, o.reverse);
}
