// satori-groupd: Satori's placement daemon, run in dom0. What it does,
// logs and exits with is written once, in its help (satori-groupd --help;
// HelpText() in options.cc). config.cc reads the groups file, placer.cc
// places pending domains, watch.cc hears of new ones; this file is the
// loop: signals, the watch, and a look at the host's pending count now
// and then in case an event was missed.
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <poll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "domains.h"
#include "groups.h"
#include "hypervisor.h"
#include "options.h"
#include "placer.h"
#include "watch.h"

namespace satori::groupd {
namespace {

// How often the host's pending count is looked at without an event, and
// how often a nameless pending domain is looked at again.
constexpr int kRescanMs = 10000;
constexpr int kNamelessMs = 1000;

void Log(const std::string &line) {
  std::fprintf(stderr, "satori-groupd: %s\n", line.c_str());
  std::fflush(stderr);
}

// Logs why and returns status.
int Fail(int status, const std::string &why) {
  Log(why);
  return status;
}

double Now() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Reads the file and logs what it says and what is wrong with it.
GroupsConfig Load(const std::string &path) {
  GroupsConfig c = LoadGroupsConfig(path);
  Log("read " + path + ": " + std::to_string(c.Names()) + " names, default " +
      GroupName(c.DefaultGroup()) + ", " + std::to_string(c.Errors().size()) +
      " problems");
  for (const std::string &e : c.Errors())
    Log(e);
  return c;
}

int Check(const Options &o) {
  GroupsConfig c = LoadGroupsConfig(o.config);
  for (const std::string &e : c.Errors())
    std::printf("%s\n", e.c_str());
  std::printf("%s: %zu names, default %s, %zu problems\n", o.config.c_str(),
              c.Names(), GroupName(c.DefaultGroup()).c_str(),
              c.Errors().size());
  return c.Errors().empty() ? 0 : kConfigErrors;
}

int Serve(Hypervisor &hv, Placer &placer, const Options &o) {
  sigset_t set;
  sigemptyset(&set);
  for (int s : {SIGHUP, SIGTERM, SIGINT})
    sigaddset(&set, s);
  // Signals arrive as reads of sigfd, between placements, never inside.
  if (sigprocmask(SIG_BLOCK, &set, nullptr) != 0)
    return Fail(kFailed,
                "cannot block signals: " + std::string(std::strerror(errno)));
  int sigfd = signalfd(-1, &set, SFD_CLOEXEC);
  if (sigfd < 0)
    return Fail(kFailed, "signalfd: " + std::string(std::strerror(errno)));
  std::string why;
  auto watch = DomainWatch::Open(&why);
  if (!watch)
    return Fail(kFailed, why);
  Log("watching for new domains");
  Placer::Result r = placer.PlaceAll(Now());
  for (;;) {
    pollfd fds[2] = {{watch->Fd(), POLLIN, 0}, {sigfd, POLLIN, 0}};
    int n = poll(fds, 2, r.nameless ? kNamelessMs : kRescanMs);
    if (n < 0 && errno != EINTR)
      return Fail(kFailed, "poll: " + std::string(std::strerror(errno)));
    bool place = false;
    if (n == 0) {
      // Nothing heard: look again if anything still waits.
      satori_host_stats h;
      place = r.nameless || (hv.HostStats(&h) == 0 && h.pending);
    }
    if (n > 0 && (fds[1].revents & POLLIN)) {
      signalfd_siginfo si;
      if (read(sigfd, &si, sizeof(si)) == sizeof(si)) {
        if (si.ssi_signo != SIGHUP) {
          Log("stopped by signal " + std::to_string(si.ssi_signo));
          return 0;
        }
        placer.SetConfig(Load(o.config));
        place = true;
      }
    }
    if (n > 0 && (fds[0].revents & (POLLIN | POLLERR | POLLHUP))) {
      bool introduced = false;
      if (!watch->Drain(&introduced, &why))
        return Fail(kFailed, why);
      place = place || introduced;
    }
    if (place)
      r = placer.PlaceAll(Now());
  }
}

} // namespace
} // namespace satori::groupd

int main(int argc, char **argv) {
  using namespace satori::groupd;
  Options o;
  std::string why;
  if (!ParseOptions(std::vector<std::string>(argv + 1, argv + argc), &o, &why))
    return satori::UsageError("satori-groupd", why, kUsage);
  if (o.help)
    return satori::PrintHelp(HelpText());
  if (o.version)
    return satori::PrintHelp(VersionText());
  if (o.check)
    return Check(o);

  satori::Unavailable unavailable;
  std::string message;
  auto hv = satori::Hypervisor::Open(&unavailable, &message);
  if (!hv)
    return Fail(static_cast<int>(unavailable), message);
  uint32_t version = hv->InterfaceVersion();
  if ((version & 0xffff) < 8)
    return Fail(static_cast<int>(satori::Unavailable::kVersion),
                "hypervisor speaks Satori interface " +
                    std::to_string(version >> 16) + "." +
                    std::to_string(version & 0xffff) +
                    "; placing pending domains needs 1.8");
  auto doms = satori::DomainSource::Open();
  if (!doms)
    return Fail(kFailed,
                "cannot open libxenctrl: " + std::string(std::strerror(errno)));
  Placer placer(*hv, *doms, Log);
  placer.SetConfig(Load(o.config));
  if (!o.once)
    return Serve(*hv, placer, o);
  // A nameless domain is looked at again each second until it is placed.
  Placer::Result r = placer.PlaceAll(Now());
  unsigned failed = r.failed;
  while (r.nameless) {
    sleep(1);
    r = placer.PlaceAll(Now());
    failed += r.failed;
  }
  return failed ? kFailed : 0;
}
