// room.h: make-room's arithmetic (no Xen needed: tested on any host).
#pragma once

#include <cstdint>

extern "C" {
#include "satori.h" // hv-hooks/xen/include/public/satori.h
}

namespace satori::ctl {

// The frames make-room asks for so that mib more MiB fit beyond Xen's
// reserve: what the free heap lacks, at most what is lent and at most
// SATORI_TAKE_MAX (one ask); 0 when the room is there.
uint64_t FramesLacking(const satori_host_stats &h, uint64_t mib);

// Whether mib more MiB fit beyond the reserve now.
bool HasRoom(const satori_host_stats &h, uint64_t mib);

} // namespace satori::ctl
