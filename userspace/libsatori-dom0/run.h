// run.h: Satori's run state (SATORI_OP_set_run, interface 1.8) as the
// dom0 tools print it.
#pragma once

#include <cstdint>
#include <string>

namespace satori {

// "on" (SATORI_RUN_ON), "off" (SATORI_RUN_STOP: no new registrations),
// "unshared" (SATORI_RUN_UNSHARE: off, and every page was unshared), as
// the commands satori-ctl on, off and off --unshare set them; any other
// value as its number. JSON and Prometheus carry the number.
std::string RunName(uint32_t run);

} // namespace satori
