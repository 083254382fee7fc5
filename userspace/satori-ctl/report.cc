// report.cc: see report.h.
#include "report.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "groups.h"

namespace satori::ctl {
namespace {

using ull = unsigned long long;

[[gnu::format(printf, 1, 2)]] std::string Printf(const char *fmt, ...) {
  va_list ap, aq;
  va_start(ap, fmt);
  va_copy(aq, ap);
  int n = std::vsnprintf(nullptr, 0, fmt, ap);
  va_end(ap);
  std::string s(n > 0 ? n : 0, '\0');
  if (n > 0)
    std::vsnprintf(s.data(), s.size() + 1, fmt, aq);
  va_end(aq);
  return s;
}

nlohmann::json TargetJson(const Target &t) {
  return t.domid ? nlohmann::json(*t.domid) : nlohmann::json(nullptr);
}

nlohmann::json RepayObject(const RepayReport &r) {
  return {{"command", "repay"},
          {"frames", r.frames},
          {"asked", r.asked},
          {"repaid", r.repaid},
          {"forced", r.forced},
          {"ms", r.ms},
          {"domid", TargetJson(r.target)},
          {"from", r.target.from}};
}

} // namespace

std::string FormatText(const ShowReport &r) {
  int width = 12;
  for (const ShowRow &l : r.rows)
    width = std::max(width, static_cast<int>(l.name.size()));
  std::string out = Printf("%5s %-*s %6s", "ID", width, "NAME", "GROUP");
  if (r.entitlements)
    out += Printf(" %10s %20s %9s", "ENTITLED", "ENTITLEMENT", "VOLATILE");
  out += "\n";
  for (const ShowRow &l : r.rows) {
    out += Printf("%5u %-*s %6s", l.id, width,
                  l.name.empty() ? "-" : l.name.c_str(),
                  GroupName(l.group).c_str());
    if (r.entitlements)
      out += Printf(" %10.2f %20llu %9llu",
                    static_cast<double>(l.entitlement) / 4294967296.0,
                    static_cast<ull>(l.entitlement),
                    static_cast<ull>(l.volatile_frames));
    out += "\n";
  }
  return out;
}

std::string FormatJson(const ShowReport &r) {
  nlohmann::json rows = nlohmann::json::array();
  for (const ShowRow &l : r.rows) {
    nlohmann::json row = {{"id", l.id}, {"name", l.name}, {"group", l.group}};
    if (r.entitlements) {
      row["entitlement"] = l.entitlement;
      row["entitled"] = l.entitlement >> 32;
      row["volatile_frames"] = l.volatile_frames;
    }
    rows.push_back(row);
  }
  return nlohmann::json{{"command", "show"}, {"domains", rows}}.dump() + "\n";
}

std::string FormatText(const TakeReport &r) {
  return Printf("took %llu of %llu frames from %s\n", static_cast<ull>(r.taken),
                static_cast<ull>(r.frames), r.target.from.c_str());
}

std::string FormatJson(const TakeReport &r) {
  return nlohmann::json{{"command", "take"},
                        {"frames", r.frames},
                        {"taken", r.taken},
                        {"domid", TargetJson(r.target)},
                        {"from", r.target.from}}
             .dump() +
         "\n";
}

std::string FormatText(const RepayReport &r) {
  return Printf("asked %s for %llu of %llu frames: %llu repaid, %llu forced, "
                "in %.1f ms\n",
                r.target.from.c_str(), static_cast<ull>(r.asked),
                static_cast<ull>(r.frames), static_cast<ull>(r.repaid),
                static_cast<ull>(r.forced), r.ms);
}

std::string FormatJson(const RepayReport &r) {
  return RepayObject(r).dump() + "\n";
}

std::string FormatText(const RoomReport &r) {
  return (r.repay ? FormatText(*r.repay) : "") +
         Printf("free: %llu MiB (reserve %llu MiB, wanted %llu MiB more)\n",
                static_cast<ull>(r.free_frames / 256),
                static_cast<ull>(r.reserve_frames / 256),
                static_cast<ull>(r.mib));
}

std::string FormatJson(const RoomReport &r) {
  return nlohmann::json{{"command", "make-room"},
                        {"mib", r.mib},
                        {"free_frames", r.free_frames},
                        {"reserve_frames", r.reserve_frames},
                        {"free_mib", r.free_frames / 256},
                        {"reserve_mib", r.reserve_frames / 256},
                        {"repay", r.repay ? RepayObject(*r.repay) : nullptr}}
             .dump() +
         "\n";
}

} // namespace satori::ctl
