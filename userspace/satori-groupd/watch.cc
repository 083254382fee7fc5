// watch.cc: see watch.h.
#include "watch.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>

extern "C" {
#include <xenstore.h>
}

namespace satori::groupd {
namespace {

constexpr char kIntroduce[] = "@introduceDomain";
constexpr char kToken[] = "satori-groupd";

} // namespace

std::unique_ptr<DomainWatch> DomainWatch::Open(std::string *why) {
  xs_handle *xs = xs_open(0);
  if (!xs) {
    *why = "cannot connect to xenstore: " + std::string(std::strerror(errno));
    return nullptr;
  }
  std::unique_ptr<DomainWatch> w(new DomainWatch(xs));
  if (!xs_watch(xs, kIntroduce, kToken)) {
    *why =
        "cannot watch " + std::string(kIntroduce) + ": " + std::strerror(errno);
    return nullptr;
  }
  return w;
}

DomainWatch::~DomainWatch() { xs_close(xs_); }

int DomainWatch::Fd() const { return xs_fileno(xs_); }

bool DomainWatch::Drain(bool *introduced, std::string *why) {
  *introduced = false;
  for (;;) {
    char **event = xs_check_watch(xs_);
    if (!event) {
      if (errno == EAGAIN)
        return true;
      *why = "xenstore watch failed: " + std::string(std::strerror(errno));
      return false;
    }
    *introduced = true;
    std::free(event);
  }
}

} // namespace satori::groupd
