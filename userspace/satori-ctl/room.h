// room.h: make-room's arithmetic (no Xen needed: tested on any host).
#pragma once

#include <cstdint>

extern "C" {
#include "satori.h" // hv-hooks/xen/include/public/satori.h
}

namespace satori::ctl {

// The frames make-room asks for so that mib more MiB fit beyond Xen's
// reserve: what the free heap lacks, at most what is lent; 0 when the
// room is there.
uint64_t FramesLacking(const satori_host_stats &h, uint64_t mib);

// The next ask: FramesLacking, at most SATORI_TAKE_MAX (what one ask may
// carry). make-room asks, waits and reads the host again until it is 0.
uint64_t NextAsk(const satori_host_stats &h, uint64_t mib);

// The frames the guests' pages on zero frames save (reported free, or
// zeros): each may be written again, and its refault then needs a free
// or a volatile frame (interface 1.9; 0 before). A new domain may not
// take them: they are lent only as volatile frames.
uint64_t KeptForRefaults(const satori_host_stats &h);

// Whether mib more MiB fit beyond the reserve now: in the free heap, and
// with free + lent still covering KeptForRefaults after.
bool HasRoom(const satori_host_stats &h, uint64_t mib);

// Whether they would with every lent frame back: free + lent holds mib
// MiB beyond the reserve and KeptForRefaults. make-room asks for nothing
// otherwise (asking moves frames from lent to free: it never makes this
// true).
bool CanMakeRoom(const satori_host_stats &h, uint64_t mib);

} // namespace satori::ctl
