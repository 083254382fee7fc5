// model.cc: see model.h.
#include "model.h"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli.h"
#include "run.h"

namespace satori {
namespace {

constexpr double kPageBytes = 4096;
// Entitlements are in 2^-32 frames (32.32 fixed point).
constexpr double kEntitlementUnitBytes = kPageBytes / 4294967296.0;

double Rate(uint64_t now, uint64_t before, double interval) {
  return interval > 0 && now >= before ? (now - before) / interval : 0;
}

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, v);
  return buf;
}

// v rounded to decimals places, as the text shows it (JSON gets the
// shortest form of that double: 0.5, not 0.500).
double Rounded(double v, int decimals) {
  double scale = std::pow(10.0, decimals);
  return std::round(v * scale) / scale;
}

std::string LabelValue(const std::string &s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"')
      out += '\\', out += c;
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

struct HostField {
  const char *key;
  const char *help;
  uint64_t (*get)(const Snapshot &);
  bool counter;
};

template <auto F> uint64_t Host(const Snapshot &s) { return s.host.*F; }
template <auto F> uint64_t HostVolatile(const Snapshot &s) {
  return s.host_vol.*F;
}
// Frames lent beyond what the domains' limits allow now (summed over the
// host): about what Xen wants back.
uint64_t Pressure(const Snapshot &s) {
  return s.host.lent_frames > s.host.pool_frames
             ? s.host.lent_frames - s.host.pool_frames
             : 0;
}

// Frames the zero pages save now: each zero frame backs zero_gfns pages
// that would otherwise hold a frame each (part of saved_frames).
uint64_t ZeroSaved(const Snapshot &s) {
  return s.host.zero_gfns > s.host.zero_frames
             ? s.host.zero_gfns - s.host.zero_frames
             : 0;
}
// 1 while the hypervisor takes free-page reports (satori_report=on).
uint64_t Report(const Snapshot &s) {
  return (s.query_flags & SATORI_QUERY_F_REPORT) ? 1 : 0;
}

const HostField kHostFields[] = {
    {"shared_frames", "Frames currently shared by guest pages",
     Host<&satori_host_stats::shared_frames>, false},
    {"saved_frames", "Frames freed by sharing",
     Host<&satori_host_stats::saved_frames>, false},
    {"index_entries", "Pages in the hypervisor's content index",
     Host<&satori_host_stats::index_entries>, false},
    {"index_limit", "Most pages the index holds",
     Host<&satori_host_stats::index_limit>, false},
    {"domain_limit", "Most index pages one domain may hold",
     Host<&satori_host_stats::domain_limit>, false},
    {"index_bytes", "Memory the hypervisor's content index uses now",
     Host<&satori_host_stats::index_bytes>, false},
    {"index_evictions",
     "Index entries taken for a domain below its fair share when the index "
     "was full",
     Host<&satori_host_stats::index_evictions>, true},
    {"index_handovers",
     "Index entries handed to another page of the same shared frame when "
     "their page was released or their domain died",
     Host<&satori_host_stats::index_handovers>, true},
    {"index_dropped",
     "Index entries of dead domains removed with no live sharer to take them",
     Host<&satori_host_stats::index_dropped>, true},
    {"registered", "Pages registered by all domains",
     Host<&satori_host_stats::registered>, true},
    {"released", "Pages released by all domains",
     Host<&satori_host_stats::released>, true},
    {"merged", "Registrations merged into a shared frame",
     Host<&satori_host_stats::merged>, true},
    {"mismatched", "Hash hits whose bytes differed",
     Host<&satori_host_stats::mismatched>, true},
    {"skipped", "Valid registrations not kept",
     Host<&satori_host_stats::skipped>, true},
    {"cow_breaks", "Writes that unshared a page",
     Host<&satori_host_stats::cow_breaks>, true},
    {"pool_frames", "What volatile frames may cost now: the domains' limits",
     Host<&satori_host_stats::pool_frames>, false},
    {"lent_frames", "Volatile frames domains hold now",
     Host<&satori_host_stats::lent_frames>, false},
    {"free_frames", "Frames free in the hypervisor's heap",
     Host<&satori_host_stats::free_frames>, false},
    {"reserve_frames", "Entitlements kept back from lending (the reserve)",
     Host<&satori_host_stats::reserve_frames>, false},
    {"pressure_frames", "Volatile frames lent beyond the domains' limits now",
     Pressure, false},
    {"owed_frames", "Volatile frames domains owe the hypervisor now",
     HostVolatile<&satori_volatile_stats::owed>, false},
    {"repay_requests", "Repayment requests sent to domains",
     HostVolatile<&satori_volatile_stats::requests>, true},
    {"repaid_frames", "Volatile frames domains gave back when asked",
     HostVolatile<&satori_volatile_stats::repaid>, true},
    {"forced_frames", "Volatile frames the hypervisor took by force",
     HostVolatile<&satori_volatile_stats::forced>, true},
    {"run", "The host's run state: 0 stopped, 1 on, 2 stopped and unshared",
     Host<&satori_host_stats::run>, false},
    {"pending", "Domains waiting for dom0 to place them in a trust group",
     Host<&satori_host_stats::pending>, false},
    {"unshared", "Guest pages given a private copy by turning Satori off",
     Host<&satori_host_stats::unshared>, true},
    {"report", "1 while the hypervisor takes free-page reports, else 0", Report,
     false},
    {"zero_frames", "Shared frames that hold zeros now",
     Host<&satori_host_stats::zero_frames>, false},
    {"zero_gfns", "Guest pages backed by a zero frame now",
     Host<&satori_host_stats::zero_gfns>, false},
    {"zero_saved_frames",
     "Frames the zero pages save now: zero_gfns - zero_frames", ZeroSaved,
     false},
    {"reported", "Pages guests reported free, mapped to a zero frame",
     Host<&satori_host_stats::reported>, true},
    {"zero_breaks",
     "Writes that gave a page backed by a zero frame a private frame "
     "(refaults)",
     Host<&satori_host_stats::zero_breaks>, true},
};

// Gets that hit, of those the hypervisor answered; -1 before the first.
double HitRatio(const satori_volatile_stats &v) {
  uint64_t asked = v.restored + v.missed;
  return asked ? static_cast<double>(v.restored) / asked : -1;
}

} // namespace

// Rates and ratios carry decimals in JSON and Prometheus; counts none.
static int Decimals(const Column &c) {
  return c.is_rate || std::string(c.key).ends_with("_ratio") ? 3 : 0;
}

const std::vector<Column> &Columns() {
  static const std::vector<Column> columns = {
      {"group", "GROUP", 6,
       "trust group: its pages merge only within it (4294967295: alone)",
       [](const Row &r) { return static_cast<double>(r.now.stats.group); },
       false, [](double x) { return GroupName(static_cast<uint32_t>(x)); }},
      {"run", "RUN", 8,
       "run state Satori was last set to for it (satori-ctl off/on): 0 off, "
       "1 on, 2 off and unshared",
       [](const Row &r) { return static_cast<double>(r.now.stats.run); }, false,
       [](double x) { return RunName(static_cast<uint32_t>(x)); }},
      {"mem_bytes", "MEM", 7, "memory the domain holds, in bytes",
       [](const Row &r) { return static_cast<double>(r.now.info.mem_bytes); }},
      {"registered", "REG", 8, "pages registered since it started",
       [](const Row &r) { return static_cast<double>(r.now.stats.registered); },
       false, nullptr, true},
      {"indexed", "INDEX", 7, "its pages in the hypervisor's index now",
       [](const Row &r) { return static_cast<double>(r.now.stats.indexed); }},
      {"shared", "SHARED", 8, "its pages backed by a shared frame now",
       [](const Row &r) { return static_cast<double>(r.now.stats.shared); }},
      {"entitled_bytes", "ENTITLED", 8,
       "its sharing entitlement in bytes: (k-1)/k of each frame its pages "
       "share with k-1 others",
       [](const Row &r) {
         return static_cast<double>(r.now.vol.entitlement) *
                kEntitlementUnitBytes;
       }},
      {"zero", "ZERO", 8,
       "its pages backed by a zero frame now (reported free, or all zeros)",
       [](const Row &r) { return static_cast<double>(r.now.stats.zero); }},
      {"volatile_bytes", "VOLATILE", 8,
       "volatile frames it holds now, in bytes",
       [](const Row &r) {
         return static_cast<double>(r.now.vol.held) * kPageBytes;
       }},
      {"volatile_hit_ratio", "HIT%", 5,
       "volatile gets that hit, of those the hypervisor answered (-1: none)",
       [](const Row &r) { return HitRatio(r.now.vol); }, false,
       [](double x) {
         return x < 0 ? std::string("-") : Fixed(x * 100, 0) + "%";
       }},
      {"owed_bytes", "OWED", 7,
       "volatile memory it owes the hypervisor now, in bytes",
       [](const Row &r) {
         return static_cast<double>(r.now.vol.owed) * kPageBytes;
       }},
      {"repaid_bytes", "REPAID", 7,
       "volatile memory it gave back when asked, in bytes (cumulative)",
       [](const Row &r) {
         return static_cast<double>(r.now.vol.repaid) * kPageBytes;
       },
       false, nullptr, true},
      {"forced_bytes", "FORCED", 7,
       "volatile memory the hypervisor took without it, in bytes "
       "(cumulative)",
       [](const Row &r) {
         return static_cast<double>(r.now.vol.forced) * kPageBytes;
       },
       false, nullptr, true},
      {"cow_per_s", "COW/s", 6, "copy-on-write breaks per second",
       [](const Row &r) { return r.cow_per_s; }, true},
      {"registered_per_s", "REG/s", 7, "pages registered per second",
       [](const Row &r) { return r.registered_per_s; }, true},
      {"merged_per_s", "MRG/s", 7, "pages merged per second",
       [](const Row &r) { return r.merged_per_s; }, true},
      {"released", "REL", 7, "pages released since it started",
       [](const Row &r) { return static_cast<double>(r.now.stats.released); },
       false, nullptr, true},
      {"mismatched", "MISM", 5, "hash hits whose bytes differed",
       [](const Row &r) { return static_cast<double>(r.now.stats.mismatched); },
       false, nullptr, true},
      {"cow_breaks", "COW", 6, "copy-on-write breaks since it started",
       [](const Row &r) { return static_cast<double>(r.now.stats.cow_breaks); },
       false, nullptr, true},
  };
  return columns;
}

const Column *FindColumn(const std::string &key) {
  for (const Column &c : Columns())
    if (key == c.key)
      return &c;
  return nullptr;
}

View MakeView(const Snapshot &now, const Snapshot *prev) {
  View v;
  v.now = now;
  v.interval_s = prev ? now.time_s - prev->time_s : 0;
  v.saved_bytes = now.host.saved_frames * kPageBytes;
  if (prev)
    v.saved_per_s = v.interval_s > 0
                        ? (static_cast<double>(now.host.saved_frames) -
                           static_cast<double>(prev->host.saved_frames)) *
                              kPageBytes / v.interval_s
                        : 0;

  uint64_t shared_pages = 0;
  for (const DomainSample &d : now.domains)
    shared_pages += d.stats.shared;
  if (now.host.shared_frames)
    v.sharing_ratio = static_cast<double>(shared_pages) /
                      static_cast<double>(now.host.shared_frames);

  std::map<uint32_t, const DomainSample *> before;
  if (prev)
    for (const DomainSample &d : prev->domains)
      before[d.info.id] = &d;
  for (const DomainSample &d : now.domains) {
    Row r;
    r.now = d;
    satori_domain_stats zero{};
    auto it = before.find(d.info.id);
    const satori_domain_stats &b =
        it != before.end() ? it->second->stats : zero;
    if (prev) {
      r.cow_per_s = Rate(d.stats.cow_breaks, b.cow_breaks, v.interval_s);
      r.registered_per_s = Rate(d.stats.registered, b.registered, v.interval_s);
      r.merged_per_s = Rate(d.stats.merged, b.merged, v.interval_s);
    }
    v.rows.push_back(r);
  }
  return v;
}

bool SortRows(View *view, const std::string &key, bool reverse) {
  std::function<bool(const Row &, const Row &)> less;
  if (key == "id") {
    less = [](const Row &a, const Row &b) {
      return a.now.info.id > b.now.info.id; // "largest first" = highest id
    };
  } else if (key == "name") {
    less = [](const Row &a, const Row &b) {
      return a.now.info.name > b.now.info.name;
    };
  } else if (const Column *c = FindColumn(key)) {
    less = [c](const Row &a, const Row &b) {
      return c->value(a) > c->value(b);
    };
  } else {
    return false;
  }
  std::stable_sort(
      view->rows.begin(), view->rows.end(),
      [](const Row &a, const Row &b) { return a.now.info.id < b.now.info.id; });
  std::stable_sort(view->rows.begin(), view->rows.end(),
                   [&](const Row &a, const Row &b) {
                     return reverse ? less(b, a) : less(a, b);
                   });
  return true;
}

std::string HumanBytes(double bytes) {
  const char *units[] = {"B", "K", "M", "G", "T"};
  int u = 0;
  while (bytes >= 1024 && u < 4) {
    bytes /= 1024;
    ++u;
  }
  return (u == 0 || bytes >= 100 ? Fixed(bytes, 0) : Fixed(bytes, 1)) +
         units[u];
}

std::string FormatText(const View &v) {
  std::ostringstream o;
  const satori_host_stats &h = v.now.host;
  o << "Satori: shared frames " << h.shared_frames << ", saved "
    << HumanBytes(v.saved_bytes) << " (" << HumanBytes(v.saved_per_s)
    << "/s), sharing ratio " << Fixed(v.sharing_ratio, 2) << "\n";
  o << "Pool: " << HumanBytes(h.pool_frames * kPageBytes) << " limits, "
    << HumanBytes(h.lent_frames * kPageBytes) << " lent as volatile, "
    << HumanBytes(h.free_frames * kPageBytes) << " free, reserve "
    << HumanBytes(h.reserve_frames * kPageBytes) << "\n";
  o << "Run: " << RunName(h.run) << "; " << h.pending
    << " domains pending placement; " << h.unshared
    << " pages unshared since boot\n";
  o << "Zero: " << h.zero_frames << " frames back " << h.zero_gfns
    << " pages, saving " << HumanBytes(ZeroSaved(v.now) * kPageBytes)
    << "; reported " << h.reported << " pages ("
    << HumanBytes(h.reported * kPageBytes) << ") since boot, " << h.zero_breaks
    << " refaults; reporting "
    << ((v.now.query_flags & SATORI_QUERY_F_REPORT) ? "on" : "off") << "\n";
  const satori_volatile_stats &r = v.now.host_vol;
  o << "Repayment: " << HumanBytes(Pressure(v.now) * kPageBytes)
    << " wanted back, " << HumanBytes(r.owed * kPageBytes) << " owed; "
    << r.requests << " requests, " << r.repaid << " frames repaid, " << r.forced
    << " forced\n";
  if (v.now.scanner.running) {
    const ScannerStatus &sc = v.now.scanner;
    o << "Scanner: " << sc.rate << " pages/s over " << sc.domains.size()
      << " guests without hints" << (sc.idle ? " (idle)" : "") << "; "
      << sc.passes << " passes, " << sc.scanned << " pages scanned, "
      << sc.registered << " registered, " << sc.merged << " merged, "
      << sc.released << " released, " << Fixed(sc.cpu_s, 1) << " CPU s\n";
  }
  o << "Index: " << h.index_entries << "/" << h.index_limit << " pages ("
    << HumanBytes(static_cast<double>(h.index_bytes)) << "), per domain "
    << h.domain_limit << "; evictions " << h.index_evictions << ", hand-overs "
    << h.index_handovers << ", dropped " << h.index_dropped << "; registered "
    << h.registered << ", merged " << h.merged << ", mismatched "
    << h.mismatched << ", released " << h.released << ", cow breaks "
    << h.cow_breaks << "\n\n";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%5s %-12s", "ID", "NAME");
  o << buf;
  for (const Column &c : Columns()) {
    std::snprintf(buf, sizeof(buf), " %*s", c.width, c.header);
    o << buf;
  }
  o << "\n";
  for (const Row &r : v.rows) {
    std::snprintf(buf, sizeof(buf), "%5u %-12.12s", r.now.info.id,
                  r.now.info.name.c_str());
    o << buf;
    for (const Column &c : Columns()) {
      double x = c.value(r);
      std::string s = c.text                                   ? c.text(x)
                      : std::string(c.key).ends_with("_bytes") ? HumanBytes(x)
                      : c.is_rate                              ? Fixed(x, 1)
                                                               : Fixed(x, 0);
      std::snprintf(buf, sizeof(buf), " %*s", c.width, s.c_str());
      o << buf;
    }
    o << "\n";
  }
  return o.str();
}

std::string FormatJson(const View &v) {
  // Keys in a fixed order (the lab reads some lines with sed); whole
  // numbers stay integers, the others are rounded as the text shows them.
  using Json = nlohmann::ordered_json;
  Json host = Json::object();
  for (const HostField &f : kHostFields)
    host[f.key] = f.get(v.now);
  host["saved_bytes"] = static_cast<uint64_t>(v.saved_bytes);
  host["saved_bytes_per_s"] = Rounded(v.saved_per_s, 3);
  host["sharing_ratio"] = Rounded(v.sharing_ratio, 4);
  Json j = {{"time", Rounded(v.now.time_s, 3)},
            {"interval", Rounded(v.interval_s, 3)},
            {"host", host}};
  if (v.now.scanner.running) {
    const ScannerStatus &sc = v.now.scanner;
    j["scanner"] = {{"rate", sc.rate},
                    {"domains", sc.domains},
                    {"idle", sc.idle},
                    {"passes", sc.passes},
                    {"scanned", sc.scanned},
                    {"registered", sc.registered},
                    {"merged", sc.merged},
                    {"released", sc.released},
                    {"cpu_s", Rounded(sc.cpu_s, 3)}};
  }
  Json domains = Json::array();
  for (const Row &r : v.rows) {
    Json d = {{"id", r.now.info.id}, {"name", r.now.info.name}};
    for (const Column &c : Columns()) {
      int decimals = Decimals(c);
      if (decimals)
        d[c.key] = Rounded(c.value(r), decimals);
      else
        d[c.key] = static_cast<int64_t>(std::llround(c.value(r)));
    }
    domains.push_back(d);
  }
  j["domains"] = domains;
  // A name that is not UTF-8 gets U+FFFD rather than an exception.
  return j.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

std::string FormatPrometheus(const View &v) {
  std::ostringstream o;
  for (const HostField &f : kHostFields) {
    std::string name =
        std::string("satori_host_") + f.key + (f.counter ? "_total" : "");
    o << "# HELP " << name << " " << f.help << "\n# TYPE " << name << " "
      << (f.counter ? "counter" : "gauge") << "\n"
      << name << " " << f.get(v.now) << "\n";
  }
  if (v.now.scanner.running) {
    const ScannerStatus &sc = v.now.scanner;
    const struct {
      const char *name, *help;
      double value;
      bool counter;
      int decimals = 0;
    } scan[] = {
        {"rate", "Pages per second satori-scand is set to scan",
         double(sc.rate), false},
        {"domains", "Guests without hints satori-scand scans now",
         double(sc.domains.size()), false},
        {"scanned", "Pages satori-scand scanned", double(sc.scanned), true},
        {"registered", "Pages satori-scand registered for guests",
         double(sc.registered), true},
        {"merged", "Of those, merged at once", double(sc.merged), true},
        {"released", "Entries satori-scand released (pages changed)",
         double(sc.released), true},
        {"cpu_seconds", "CPU seconds satori-scand used", sc.cpu_s, true, 3},
    };
    for (const auto &f : scan) {
      std::string name =
          std::string("satori_scanner_") + f.name + (f.counter ? "_total" : "");
      o << "# HELP " << name << " " << f.help << "\n# TYPE " << name << " "
        << (f.counter ? "counter" : "gauge") << "\n"
        << name << " " << Fixed(f.value, f.decimals) << "\n";
    }
  }
  for (const Column &c : Columns()) {
    if (c.is_rate)
      continue; // Prometheus computes rates itself
    std::string name =
        std::string("satori_domain_") + c.key + (c.cumulative ? "_total" : "");
    o << "# HELP " << name << " " << c.help << "\n# TYPE " << name << " "
      << (c.cumulative ? "counter" : "gauge") << "\n";
    for (const Row &r : v.rows)
      o << name << "{domid=\"" << r.now.info.id << "\",name=\""
        << LabelValue(r.now.info.name) << "\"} "
        << Fixed(c.value(r), Decimals(c)) << "\n";
  }
  return o.str();
}

std::string FormatTextfile(const ScrapeStatus &s, const View *view) {
  std::ostringstream o;
  o << "# HELP satori_up 1 if Satori answered: on Xen, in dom0, compiled in, "
       "satori=on, a known interface\n# TYPE satori_up gauge\nsatori_up "
    << (s.up ? 1 : 0)
    << "\n# HELP satori_scrape_success 1 if every Satori figure was read for "
       "this file\n# TYPE satori_scrape_success gauge\nsatori_scrape_success "
    << (s.success ? 1 : 0)
    << "\n# HELP satori_scrape_status Why Satori was not read: satori-top's "
       "exit status for it (0 read; 3 not on Xen, 4 not dom0, 5 no "
       "permission, 6 compiled out, 7 satori=off, 8 interface mismatch, 9 a "
       "hypercall failed)\n# TYPE satori_scrape_status gauge\n"
       "satori_scrape_status "
    << (s.success ? 0 : s.status)
    << "\n# HELP satori_scrape_duration_seconds How long reading Satori "
       "took\n# TYPE satori_scrape_duration_seconds gauge\n"
       "satori_scrape_duration_seconds "
    << Fixed(s.duration_s, 6)
    << "\n# HELP satori_build_info The satori-top that wrote this file\n"
       "# TYPE satori_build_info gauge\nsatori_build_info{version=\""
    << LabelValue(ProjectVersion()) << "\"} 1\n";
  if (view)
    o << FormatPrometheus(*view);
  return o.str();
}

} // namespace satori
