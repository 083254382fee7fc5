// room.cc: see room.h.
#include "room.h"

#include <algorithm>

namespace satori::ctl {
namespace {

constexpr uint64_t kFramesPerMib = 256;

uint64_t Wanted(const satori_host_stats &h, uint64_t mib) {
  return mib * kFramesPerMib + h.reserve_frames;
}

} // namespace

uint64_t FramesLacking(const satori_host_stats &h, uint64_t mib) {
  uint64_t want = Wanted(h, mib);
  uint64_t lacking = want > h.free_frames ? want - h.free_frames : 0;
  return std::min(lacking, h.lent_frames);
}

uint64_t NextAsk(const satori_host_stats &h, uint64_t mib) {
  return std::min(FramesLacking(h, mib), uint64_t{SATORI_TAKE_MAX});
}

uint64_t KeptForRefaults(const satori_host_stats &h) {
  return h.zero_gfns > h.zero_frames ? h.zero_gfns - h.zero_frames : 0;
}

bool HasRoom(const satori_host_stats &h, uint64_t mib) {
  return h.free_frames >= Wanted(h, mib) && CanMakeRoom(h, mib);
}

bool CanMakeRoom(const satori_host_stats &h, uint64_t mib) {
  return h.free_frames + h.lent_frames >= Wanted(h, mib) + KeptForRefaults(h);
}

} // namespace satori::ctl
