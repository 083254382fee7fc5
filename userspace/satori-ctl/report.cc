// report.cc: see report.h.
#include "report.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>

#include <nlohmann/json.hpp>

extern "C" {
#include "satori.h" // hv-hooks/xen/include/public/satori.h
}

#include "groups.h"
#include "run.h"

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

nlohmann::json RoomObject(const RoomReport &r) {
  return {{"command", "make-room"},
          {"mib", r.mib},
          {"free_frames", r.free_frames},
          {"reserve_frames", r.reserve_frames},
          {"free_mib", r.free_frames / 256},
          {"reserve_mib", r.reserve_frames / 256},
          {"asks", r.asks},
          {"repay", r.repay ? RepayObject(*r.repay) : nullptr}};
}

} // namespace

std::string FormatText(const ShowReport &r) {
  int width = 12, group_width = 6;
  for (const ShowRow &l : r.rows) {
    width = std::max(width, static_cast<int>(l.name.size()));
    group_width =
        std::max(group_width, static_cast<int>(GroupName(l.group).size()));
  }
  std::string out =
      Printf("%5s %-*s %*s", "ID", width, "NAME", group_width, "GROUP");
  if (r.runs)
    out += Printf(" %8s", "RUN");
  if (r.entitlements)
    out += Printf(" %10s %20s %9s", "ENTITLED", "ENTITLEMENT", "VOLATILE");
  if (r.zeros)
    out += Printf(" %9s", "ZERO");
  out += "\n";
  for (const ShowRow &l : r.rows) {
    out += Printf("%5u %-*s %*s", l.id, width,
                  l.name.empty() ? "-" : l.name.c_str(), group_width,
                  GroupName(l.group).c_str());
    if (r.runs)
      out += Printf(" %8s", RunName(l.run).c_str());
    if (r.entitlements)
      out += Printf(" %10.2f %20llu %9llu",
                    static_cast<double>(l.entitlement) / 4294967296.0,
                    static_cast<ull>(l.entitlement),
                    static_cast<ull>(l.volatile_frames));
    if (r.zeros)
      out += Printf(" %9llu", static_cast<ull>(l.zero));
    out += "\n";
  }
  return out;
}

std::string FormatJson(const ShowReport &r) {
  nlohmann::json rows = nlohmann::json::array();
  for (const ShowRow &l : r.rows) {
    nlohmann::json row = {{"id", l.id}, {"name", l.name}, {"group", l.group}};
    if (r.runs)
      row["run"] = l.run;
    if (r.entitlements) {
      row["entitlement"] = l.entitlement;
      row["entitled"] = l.entitlement >> 32;
      row["volatile_frames"] = l.volatile_frames;
    }
    if (r.zeros)
      row["zero"] = l.zero;
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
  return RoomObject(r).dump() + "\n";
}

std::string FormatText(const CreateReport &r) {
  return Printf("%s: %llu MiB and %llu MiB beside it\n", r.config.c_str(),
                static_cast<ull>(r.guest_mib),
                static_cast<ull>(r.overhead_mib)) +
         FormatText(r.room);
}

std::string FormatJson(const CreateReport &r) {
  nlohmann::json j = RoomObject(r.room);
  j["command"] = "create";
  j["config"] = r.config;
  j["guest_mib"] = r.guest_mib;
  j["overhead_mib"] = r.overhead_mib;
  return j.dump() + "\n";
}

std::string FormatText(const RunReport &r) {
  // RunName's "unshared" is a state; here the count says it.
  if (r.run == SATORI_RUN_UNSHARE)
    return Printf("%s: off, %llu pages unshared\n", r.target.from.c_str(),
                  static_cast<ull>(r.unshared));
  return r.target.from + ": " + RunName(r.run) + "\n";
}

std::string FormatJson(const RunReport &r) {
  return nlohmann::json{{"command", r.command},
                        {"domid", TargetJson(r.target)},
                        {"target", r.target.from},
                        {"run", r.run},
                        {"unshared", r.unshared}}
             .dump() +
         "\n";
}

} // namespace satori::ctl
