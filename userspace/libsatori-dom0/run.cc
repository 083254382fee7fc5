// run.cc: see run.h.
#include "run.h"

extern "C" {
#include "satori.h" // hv-hooks/xen/include/public/satori.h
}

namespace satori {

std::string RunName(uint32_t run) {
  switch (run) {
  case SATORI_RUN_STOP:
    return "off";
  case SATORI_RUN_ON:
    return "on";
  case SATORI_RUN_UNSHARE:
    return "unshared";
  default:
    return std::to_string(run);
  }
}

} // namespace satori
