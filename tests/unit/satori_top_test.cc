// Unit tests of satori-top's model (userspace/satori-top/model.cc): rates,
// credits, sorting, and the three renderings, checked by parsing them;
// and its command line (options.cc).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli.h"
#include "model.h"
#include "options.h"

namespace {

satori::DomainSample Domain(uint32_t id, const std::string &name,
                            uint64_t shared, uint64_t registered,
                            uint64_t cow) {
  satori::DomainSample d;
  d.info.id = id;
  d.info.name = name;
  d.info.mem_bytes = 1048576ull * id;
  d.stats.shared = shared;
  d.stats.registered = registered;
  d.stats.cow_breaks = cow;
  return d;
}

satori::Snapshot Snap(double t, std::vector<satori::DomainSample> doms,
                      uint64_t shared_frames, uint64_t saved_frames) {
  satori::Snapshot s;
  s.time_s = t;
  s.host.shared_frames = shared_frames;
  s.host.saved_frames = saved_frames;
  s.domains = std::move(doms);
  return s;
}

TEST(SatoriTop, RatesComeFromTwoSnapshots) {
  auto a = Snap(10, {Domain(1, "g1", 0, 100, 4)}, 0, 0);
  auto b = Snap(12, {Domain(1, "g1", 0, 300, 10)}, 0, 0);
  satori::View v = satori::MakeView(b, &a);
  ASSERT_EQ(v.rows.size(), 1u);
  EXPECT_DOUBLE_EQ(v.interval_s, 2);
  EXPECT_DOUBLE_EQ(v.rows[0].registered_per_s, 100);
  EXPECT_DOUBLE_EQ(v.rows[0].cow_per_s, 3);
  // Without a previous snapshot there are no rates.
  satori::View first = satori::MakeView(b, nullptr);
  EXPECT_DOUBLE_EQ(first.rows[0].registered_per_s, 0);
}

TEST(SatoriTop, NewDomainRatesStartFromZeroAndCountersNeverGoNegative) {
  auto a = Snap(0, {Domain(1, "g1", 0, 50, 0)}, 0, 0);
  auto b =
      Snap(1, {Domain(1, "g1", 0, 10, 0), Domain(2, "g2", 0, 40, 0)}, 0, 0);
  satori::View v = satori::MakeView(b, &a);
  EXPECT_DOUBLE_EQ(v.rows[0].registered_per_s, 0); // a domain id reused
  EXPECT_DOUBLE_EQ(v.rows[1].registered_per_s, 40);
}

TEST(SatoriTop, EntitlementIsTheHypervisorsInBytes) {
  // 3 guests share 100 frames among 300 pages: 200 frames saved, each
  // guest entitled to 2/3 of its 100 frames (Xen's 32.32 fixed point).
  std::vector<satori::DomainSample> doms;
  for (uint32_t id : {1, 2, 3}) {
    doms.push_back(Domain(id, "g" + std::to_string(id), 100, 0, 0));
    doms.back().vol.entitlement = (200ull << 32) / 3;
    doms.back().vol.held = 10;
  }
  satori::View v = satori::MakeView(Snap(0, doms, 100, 200), nullptr);
  EXPECT_DOUBLE_EQ(v.saved_bytes, 200 * 4096.0);
  EXPECT_DOUBLE_EQ(v.sharing_ratio, 3);
  const satori::Column *entitled = satori::FindColumn("entitled_bytes");
  const satori::Column *vol = satori::FindColumn("volatile_bytes");
  ASSERT_TRUE(entitled && vol);
  double total = 0;
  for (const auto &r : v.rows) {
    EXPECT_NEAR(entitled->value(r), 200 * 4096.0 / 3, 1e-3);
    EXPECT_DOUBLE_EQ(vol->value(r), 10 * 4096.0);
    total += entitled->value(r);
  }
  EXPECT_NEAR(total, v.saved_bytes, 1e-3);
}

TEST(SatoriTop, HitRatioIsRestoredOverAsked) {
  auto d = Domain(1, "g1", 0, 0, 0);
  d.vol.restored = 3;
  d.vol.missed = 1;
  auto none = Domain(2, "g2", 0, 0, 0);
  satori::View v = satori::MakeView(Snap(0, {d, none}, 0, 0), nullptr);
  const satori::Column *hit = satori::FindColumn("volatile_hit_ratio");
  ASSERT_TRUE(hit);
  EXPECT_DOUBLE_EQ(hit->value(v.rows[0]), 0.75);
  EXPECT_DOUBLE_EQ(hit->value(v.rows[1]), -1);
  std::string t = satori::FormatText(v);
  EXPECT_TRUE(std::regex_search(t, std::regex(R"(\n +1 g1 .* 75% )"))) << t;
  EXPECT_TRUE(std::regex_search(t, std::regex(R"(\n +2 g2 .* - )"))) << t;
}

TEST(SatoriTop, PoolIsInTheHeader) {
  auto s = Snap(0, {}, 0, 0);
  s.host.pool_frames = 256;
  s.host.lent_frames = 512;
  s.host.free_frames = 1024;
  s.host.reserve_frames = 25;
  std::string t = satori::FormatText(satori::MakeView(s, nullptr));
  EXPECT_NE(t.find("Pool: 1.0M limits, 2.0M lent as volatile, 4.0M free, "
                   "reserve 100K"),
            std::string::npos)
      << t;
  auto j =
      nlohmann::json::parse(satori::FormatJson(satori::MakeView(s, nullptr)));
  EXPECT_EQ(j["host"]["lent_frames"], 512);
  EXPECT_EQ(j["host"]["reserve_frames"], 25);
}

// Repayment: the host's line (what Xen wants back is what is lent beyond
// the pool), its JSON fields, and each domain's OWED, REPAID, FORCED in
// bytes.
TEST(SatoriTop, RepaymentIsInTheHeaderAndTheColumns) {
  auto d = Domain(3, "g1", 0, 0, 0);
  d.vol.owed = 2;
  d.vol.repaid = 256;
  d.vol.forced = 1;
  auto s = Snap(0, {d}, 0, 0);
  s.host.pool_frames = 100;
  s.host.lent_frames = 356;
  s.host_vol.owed = 300;
  s.host_vol.requests = 7;
  s.host_vol.repaid = 40;
  s.host_vol.forced = 5;
  satori::View v = satori::MakeView(s, nullptr);
  std::string t = satori::FormatText(v);
  EXPECT_NE(t.find("Repayment: 1.0M wanted back, 1.2M owed; 7 requests, 40 "
                   "frames repaid, 5 forced"),
            std::string::npos)
      << t;
  auto j = nlohmann::json::parse(satori::FormatJson(v));
  EXPECT_EQ(j["host"]["pressure_frames"], 256);
  EXPECT_EQ(j["host"]["owed_frames"], 300);
  EXPECT_EQ(j["host"]["repay_requests"], 7);
  EXPECT_EQ(j["host"]["repaid_frames"], 40);
  EXPECT_EQ(j["host"]["forced_frames"], 5);
  EXPECT_EQ(j["domains"][0]["owed_bytes"], 8192);
  EXPECT_EQ(j["domains"][0]["repaid_bytes"], 1048576);
  EXPECT_EQ(j["domains"][0]["forced_bytes"], 4096);
  // Nothing is wanted back while the pool covers what is lent.
  s.host.pool_frames = 400;
  j = nlohmann::json::parse(satori::FormatJson(satori::MakeView(s, nullptr)));
  EXPECT_EQ(j["host"]["pressure_frames"], 0);
}

TEST(SatoriTop, SortsByAnyColumnAndReverses) {
  auto s = Snap(0,
                {Domain(1, "b", 5, 0, 0), Domain(2, "a", 9, 0, 0),
                 Domain(3, "c", 5, 0, 0)},
                1, 1);
  satori::View v = satori::MakeView(s, nullptr);
  ASSERT_TRUE(satori::SortRows(&v, "shared", false));
  EXPECT_EQ(v.rows[0].now.info.id, 2u);
  EXPECT_EQ(v.rows[1].now.info.id, 1u); // ties keep id order
  EXPECT_EQ(v.rows[2].now.info.id, 3u);
  ASSERT_TRUE(satori::SortRows(&v, "shared", true));
  EXPECT_EQ(v.rows[2].now.info.id, 2u);
  ASSERT_TRUE(satori::SortRows(&v, "name", true));
  EXPECT_EQ(v.rows[0].now.info.name, "a");
  EXPECT_FALSE(satori::SortRows(&v, "no-such-column", false));
  EXPECT_EQ(v.rows[0].now.info.name, "a"); // unchanged
}

TEST(SatoriTop, JsonParsesAndCarriesEveryColumn) {
  auto a = Snap(0, {Domain(7, "web \"01\"\n", 3, 10, 0)}, 1, 2);
  auto b = Snap(1, {Domain(7, "web \"01\"\n", 3, 20, 1)}, 1, 2);
  satori::View v = satori::MakeView(b, &a);
  auto j = nlohmann::json::parse(satori::FormatJson(v));
  EXPECT_EQ(j["host"]["shared_frames"], 1);
  EXPECT_EQ(j["host"]["saved_frames"], 2);
  ASSERT_EQ(j["domains"].size(), 1u);
  const auto &d = j["domains"][0];
  EXPECT_EQ(d["id"], 7);
  EXPECT_EQ(d["name"], "web \"01\"\n");
  EXPECT_EQ(d["registered"], 20);
  EXPECT_DOUBLE_EQ(d["registered_per_s"].get<double>(), 10);
  for (const satori::Column &c : satori::Columns())
    EXPECT_TRUE(d.contains(c.key)) << c.key;
}

TEST(SatoriTop, PrometheusParsesAsExpositionFormat) {
  auto s =
      Snap(0, {Domain(1, "g\"1", 4, 8, 2), Domain(2, "g2", 4, 6, 0)}, 4, 4);
  std::string text = satori::FormatPrometheus(satori::MakeView(s, nullptr));
  std::regex help(R"(# HELP ([a-z_]+) .+)"),
      type(R"(# TYPE ([a-z_]+) (gauge|counter))");
  std::regex sample(
      R"re(([a-z_]+)(\{domid="(\d+)",name="((?:[^"\\]|\\.)*)"\})? ([0-9.eE+-]+))re");
  std::map<std::string, std::string> types;
  std::map<std::string, double> values;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_match(line, m, help))
      continue;
    if (std::regex_match(line, m, type)) {
      EXPECT_FALSE(types.count(m[1])) << "TYPE twice: " << line;
      types[m[1]] = m[2];
      continue;
    }
    ASSERT_TRUE(std::regex_match(line, m, sample)) << "bad line: " << line;
    ASSERT_TRUE(types.count(m[1])) << "sample before its TYPE: " << line;
    values[std::string(m[1]) + (m[3].matched ? ":" + std::string(m[3]) : "")] =
        std::stod(m[5]);
  }
  EXPECT_EQ(types["satori_host_registered_total"], "counter");
  EXPECT_EQ(values["satori_host_shared_frames"], 4);
  // A domain's cumulative figures are counters too.
  EXPECT_EQ(types["satori_domain_registered_total"], "counter");
  EXPECT_EQ(values["satori_domain_registered_total:1"], 8);
  EXPECT_EQ(values["satori_domain_cow_breaks_total:1"], 2);
  EXPECT_EQ(types["satori_domain_mem_bytes"], "gauge");
  EXPECT_EQ(values["satori_domain_mem_bytes:1"], 1048576);
  EXPECT_EQ(values.count("satori_domain_cow_per_s:1"), 0u); // no rates
}

// Every field of satori_host_stats reaches JSON and Prometheus: each gets a
// value no other field has, and each value must appear in both. A field
// the ABI gains and satori-top leaves out fails here (and the size check
// names the ABI version this list was last checked against).
TEST(SatoriTop, EveryHostStatIsInJsonAndPrometheus) {
  // Interface 1.9: 19 uint64_t, then run and pending (uint32_t), then
  // unshared, zero_frames, zero_gfns, reported and zero_breaks (uint64_t).
  constexpr size_t kWide = 19, kTail = 5;
  EXPECT_EQ(sizeof(satori_host_stats), kWide * 8 + 2 * 4 + kTail * 8)
      << "satori_host_stats changed (interface 1.9 has 26 fields): show the "
         "new ones in satori-top";
  EXPECT_EQ(offsetof(satori_host_stats, run), kWide * 8);
  EXPECT_EQ(offsetof(satori_host_stats, unshared), kWide * 8 + 2 * 4);
  constexpr size_t kFields = kWide + 2 + kTail;
  uint64_t fields[kFields];
  for (size_t i = 0; i < kFields; ++i)
    fields[i] = 1000001 + i;
  satori::Snapshot s;
  std::memcpy(&s.host, fields, kWide * sizeof(uint64_t));
  s.host.run = static_cast<uint32_t>(fields[kWide]);
  s.host.pending = static_cast<uint32_t>(fields[kWide + 1]);
  std::memcpy(&s.host.unshared, fields + kWide + 2, kTail * sizeof(uint64_t));
  satori::View v = satori::MakeView(s, nullptr);

  auto j = nlohmann::json::parse(satori::FormatJson(v));
  std::set<uint64_t> json_values;
  for (const auto &[key, value] : j["host"].items())
    if (value.is_number_unsigned())
      json_values.insert(value.get<uint64_t>());
  std::string prom = satori::FormatPrometheus(v);
  std::set<uint64_t> prom_values;
  std::regex host_sample(R"(satori_host_[a-z_]+ ([0-9]+))");
  for (std::sregex_iterator it(prom.begin(), prom.end(), host_sample), end;
       it != end; ++it)
    prom_values.insert(std::stoull((*it)[1]));
  for (size_t i = 0; i < kFields; ++i) {
    EXPECT_TRUE(json_values.count(fields[i]))
        << "field " << i << " (from 0, in satori.h order) is not in the JSON";
    EXPECT_TRUE(prom_values.count(fields[i]))
        << "field " << i << " (from 0, in satori.h order) is not in Prometheus";
  }
}

// The index's life (interface 1.7): evictions, hand-overs and dropped
// entries are cumulative (JSON by the ABI's name, Prometheus counters
// ending _total); the index's memory is a gauge in bytes. The Index: line
// shows them all.
TEST(SatoriTop, IndexLifeIsShownEverywhere) {
  auto s = Snap(0, {}, 0, 0);
  s.host.index_entries = 300;
  s.host.index_limit = 4000;
  s.host.domain_limit = 1000;
  s.host.index_bytes = 3 * 1048576;
  s.host.index_evictions = 11;
  s.host.index_handovers = 22;
  s.host.index_dropped = 33;
  satori::View v = satori::MakeView(s, nullptr);

  std::string t = satori::FormatText(v);
  EXPECT_NE(t.find("Index: 300/4000 pages (3.0M), per domain 1000; "
                   "evictions 11, hand-overs 22, dropped 33; registered "),
            std::string::npos)
      << t;

  auto j = nlohmann::json::parse(satori::FormatJson(v));
  EXPECT_EQ(j["host"]["index_bytes"], 3 * 1048576);
  EXPECT_EQ(j["host"]["index_evictions"], 11);
  EXPECT_EQ(j["host"]["index_handovers"], 22);
  EXPECT_EQ(j["host"]["index_dropped"], 33);

  std::string p = satori::FormatPrometheus(v);
  for (const char *want : {
           "# TYPE satori_host_index_bytes gauge\nsatori_host_index_bytes "
           "3145728\n",
           "# TYPE satori_host_index_evictions_total counter\n"
           "satori_host_index_evictions_total 11\n",
           "# TYPE satori_host_index_handovers_total counter\n"
           "satori_host_index_handovers_total 22\n",
           "# TYPE satori_host_index_dropped_total counter\n"
           "satori_host_index_dropped_total 33\n",
       })
    EXPECT_NE(p.find(want), std::string::npos) << want << " not in\n" << p;
}

// Run state and placement (interface 1.8): the Run: line; host run and
// pending are gauges, unshared a counter; each domain's RUN column, and
// GROUP "pending" for a domain dom0 has not placed.
TEST(SatoriTop, RunStateAndPendingAreShownEverywhere) {
  auto on = Domain(1, "g1", 0, 0, 0);
  on.stats.run = SATORI_RUN_ON;
  on.stats.group = 7;
  auto off = Domain(2, "g2", 0, 0, 0);
  off.stats.run = SATORI_RUN_STOP;
  off.stats.group = SATORI_GROUP_PENDING;
  auto unshared = Domain(3, "g3", 0, 0, 0);
  unshared.stats.run = SATORI_RUN_UNSHARE;
  unshared.stats.group = SATORI_GROUP_ALONE;
  auto s = Snap(0, {on, off, unshared}, 0, 0);
  s.host.run = SATORI_RUN_STOP;
  s.host.pending = 1;
  s.host.unshared = 4321;
  satori::View v = satori::MakeView(s, nullptr);

  std::string t = satori::FormatText(v);
  EXPECT_NE(t.find("Run: off; 1 domains pending placement; 4321 pages "
                   "unshared since boot\n"),
            std::string::npos)
      << t;
  EXPECT_TRUE(std::regex_search(t, std::regex(R"(NAME +GROUP +RUN +MEM)")))
      << t;
  EXPECT_TRUE(std::regex_search(t, std::regex(R"(\n +1 g1 +7 +on +)"))) << t;
  EXPECT_TRUE(std::regex_search(t, std::regex(R"(\n +2 g2 +pending +off +)")))
      << t;
  EXPECT_TRUE(
      std::regex_search(t, std::regex(R"(\n +3 g3 +alone +unshared +)")))
      << t;

  auto j = nlohmann::json::parse(satori::FormatJson(v));
  EXPECT_EQ(j["host"]["run"], SATORI_RUN_STOP);
  EXPECT_EQ(j["host"]["pending"], 1);
  EXPECT_EQ(j["host"]["unshared"], 4321);
  EXPECT_EQ(j["domains"][0]["run"], SATORI_RUN_ON);
  EXPECT_EQ(j["domains"][1]["run"], SATORI_RUN_STOP);
  EXPECT_EQ(j["domains"][1]["group"].get<uint64_t>(), 4294967294u);
  EXPECT_EQ(j["domains"][2]["run"], SATORI_RUN_UNSHARE);

  std::string p = satori::FormatPrometheus(v);
  for (const char *want : {
           "# TYPE satori_host_run gauge\nsatori_host_run 0\n",
           "# TYPE satori_host_pending gauge\nsatori_host_pending 1\n",
           "# TYPE satori_host_unshared_total counter\n"
           "satori_host_unshared_total 4321\n",
           "satori_domain_run{domid=\"3\",name=\"g3\"} 2\n",
           "satori_domain_group{domid=\"2\",name=\"g2\"} 4294967294\n",
       })
    EXPECT_NE(p.find(want), std::string::npos) << want << " not in\n" << p;
}

// Zero pages (interface 1.9): the Zero: line (frames, the pages they
// back, what they save, reported pages and refaults, whether reporting is
// on); zero_frames, zero_gfns and zero_saved_frames are gauges, reported
// and zero_breaks counters; each domain's ZERO column (pages, as SHARED).
TEST(SatoriTop, ZeroPagesAndReportingAreShownEverywhere) {
  auto g1 = Domain(1, "g1", 0, 0, 0);
  g1.stats.zero = 3000;
  auto g2 = Domain(2, "g2", 0, 0, 0);
  g2.stats.zero = 12;
  auto s = Snap(0, {g1, g2}, 0, 0);
  s.host.zero_frames = 2;
  s.host.zero_gfns = 3012;
  s.host.reported = 2560; // 10 MiB
  s.host.zero_breaks = 77;
  s.query_flags = SATORI_QUERY_F_ENABLED | SATORI_QUERY_F_REPORT;
  satori::View v = satori::MakeView(s, nullptr);

  std::string t = satori::FormatText(v);
  EXPECT_NE(t.find("Zero: 2 frames back 3012 pages, saving 11.8M; reported "
                   "2560 pages (10.0M) since boot, 77 refaults; reporting "
                   "on\n"),
            std::string::npos)
      << t;
  EXPECT_TRUE(std::regex_search(t, std::regex(R"(ENTITLED +ZERO +VOLATILE)")))
      << t;
  EXPECT_TRUE(std::regex_search(
      t, std::regex(R"(\n +1 g1 +(\S+ +){7}3000 +)"))) // after ENTITLED
      << t;

  auto j = nlohmann::json::parse(satori::FormatJson(v));
  EXPECT_EQ(j["host"]["zero_frames"], 2);
  EXPECT_EQ(j["host"]["zero_gfns"], 3012);
  EXPECT_EQ(j["host"]["zero_saved_frames"], 3010);
  EXPECT_EQ(j["host"]["reported"], 2560);
  EXPECT_EQ(j["host"]["zero_breaks"], 77);
  EXPECT_EQ(j["host"]["report"], 1);
  EXPECT_EQ(j["domains"][0]["zero"], 3000);
  EXPECT_EQ(j["domains"][1]["zero"], 12);

  std::string p = satori::FormatPrometheus(v);
  for (const char *want : {
           "# TYPE satori_host_zero_frames gauge\nsatori_host_zero_frames 2\n",
           "# TYPE satori_host_zero_gfns gauge\nsatori_host_zero_gfns 3012\n",
           "# TYPE satori_host_zero_saved_frames gauge\n"
           "satori_host_zero_saved_frames 3010\n",
           "# TYPE satori_host_reported_total counter\n"
           "satori_host_reported_total 2560\n",
           "# TYPE satori_host_zero_breaks_total counter\n"
           "satori_host_zero_breaks_total 77\n",
           "# TYPE satori_host_report gauge\nsatori_host_report 1\n",
           "# TYPE satori_domain_zero gauge\n"
           "satori_domain_zero{domid=\"1\",name=\"g1\"} 3000\n",
       })
    EXPECT_NE(p.find(want), std::string::npos) << want << " not in\n" << p;

  s.query_flags = SATORI_QUERY_F_ENABLED; // satori_report=off, or before 1.9
  v = satori::MakeView(s, nullptr);
  EXPECT_NE(satori::FormatText(v).find("; reporting off\n"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(satori::FormatJson(v))["host"]["report"], 0);
}

TEST(SatoriTop, TextHasHostLinesAndARowPerDomain) {
  auto s = Snap(0, {Domain(1, "g1", 4, 8, 2), Domain(2, "g2", 4, 6, 0)}, 4, 4);
  std::string t = satori::FormatText(satori::MakeView(s, nullptr));
  EXPECT_NE(t.find("shared frames 4"), std::string::npos);
  EXPECT_NE(t.find("SHARED"), std::string::npos);
  EXPECT_NE(t.find("    1 g1"), std::string::npos);
  EXPECT_NE(t.find("    2 g2"), std::string::npos);
}

TEST(SatoriTop, GroupColumnShowsTrustGroups) {
  auto alone = Domain(1, "g1", 4, 8, 2);
  alone.stats.group = SATORI_GROUP_ALONE;
  auto seven = Domain(2, "g2", 4, 6, 0);
  seven.stats.group = 7;
  auto zero = Domain(3, "g3", 0, 0, 0); // group 0 is a group like any other
  satori::View v =
      satori::MakeView(Snap(0, {alone, seven, zero}, 4, 4), nullptr);

  // Text: a GROUP column, "alone" or the number.
  std::string t = satori::FormatText(v);
  EXPECT_TRUE(std::regex_search(t, std::regex(R"(NAME +GROUP +RUN +MEM)")))
      << t;
  EXPECT_TRUE(std::regex_search(t, std::regex(R"(\n +1 g1 +alone +)"))) << t;
  EXPECT_TRUE(std::regex_search(t, std::regex(R"(\n +2 g2 +7 +)"))) << t;
  EXPECT_TRUE(std::regex_search(t, std::regex(R"(\n +3 g3 +0 +)"))) << t;

  // JSON: "group" is a number, alone is SATORI_GROUP_ALONE (4294967295).
  auto j = nlohmann::json::parse(satori::FormatJson(v));
  EXPECT_EQ(j["domains"][0]["group"].get<uint64_t>(), 4294967295u);
  EXPECT_EQ(j["domains"][1]["group"].get<uint64_t>(), 7u);
  EXPECT_EQ(j["domains"][2]["group"].get<uint64_t>(), 0u);

  // Prometheus: a gauge per domain, the same numbers.
  std::string p = satori::FormatPrometheus(v);
  EXPECT_NE(p.find("# TYPE satori_domain_group gauge\n"), std::string::npos);
  EXPECT_NE(p.find("satori_domain_group{domid=\"1\",name=\"g1\"} 4294967295\n"),
            std::string::npos)
      << p;
  EXPECT_NE(p.find("satori_domain_group{domid=\"2\",name=\"g2\"} 7\n"),
            std::string::npos);

  // Sorting by group: largest first, alone counts as the largest.
  ASSERT_TRUE(satori::SortRows(&v, "group", false));
  EXPECT_EQ(v.rows[0].now.info.id, 1u);
  EXPECT_EQ(v.rows[2].now.info.id, 3u);
}

TEST(SatoriTop, GroupComesFirstAndEntitledFollowsShared) {
  // The lab's screen test presses '>' once from the default sort (shared)
  // and expects entitled_bytes; GROUP sits before MEM, after NAME.
  const auto &cols = satori::Columns();
  ASSERT_FALSE(cols.empty());
  EXPECT_STREQ(cols[0].key, "group");
  auto shared = std::find_if(cols.begin(), cols.end(), [](const auto &c) {
    return std::string(c.key) == "shared";
  });
  ASSERT_TRUE(shared != cols.end() && shared + 1 != cols.end());
  EXPECT_STREQ(shared[1].key, "entitled_bytes");
}

TEST(SatoriTop, HumanSizes) {
  EXPECT_EQ(satori::HumanBytes(512), "512B");
  EXPECT_EQ(satori::HumanBytes(512 * 1024), "512K");
  EXPECT_EQ(satori::HumanBytes(3.5 * 1024 * 1024), "3.5M");
  EXPECT_EQ(satori::HumanBytes(200 * 1024 * 1024), "200M");
  EXPECT_EQ(satori::HumanBytes(1.25 * 1024 * 1024 * 1024), "1.2G");
}

// promtool (Debian's prometheus package) checks the exposition text:
// names in base units, counters ending _total, HELP and TYPE for each.
TEST(SatoriTop, PrometheusPassesPromtool) {
  if (std::system("command -v promtool >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "promtool not installed (make deps installs prometheus)";
  auto d = Domain(1, "g1", 4, 8, 2);
  d.vol.entitlement = 3ull << 31;
  d.vol.restored = 1;
  std::string text = satori::FormatPrometheus(
      satori::MakeView(Snap(0, {d, Domain(2, "g2", 4, 6, 0)}, 4, 4), nullptr));
  std::string path = ::testing::TempDir() + "satori-top.prom";
  FILE *f = std::fopen(path.c_str(), "w");
  ASSERT_TRUE(f);
  std::fputs(text.c_str(), f);
  std::fclose(f);
  std::string cmd = "promtool check metrics <" + path + " 2>&1";
  FILE *p = popen(cmd.c_str(), "r");
  ASSERT_TRUE(p);
  std::string out;
  char buf[256];
  while (std::fgets(buf, sizeof(buf), p))
    out += buf;
  int rc = pclose(p);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(out, "") << text;
}

} // namespace

namespace {
bool AlivePid(long) { return true; }
bool DeadPid(long) { return false; }
const char *kScanStatus =
    "{\"pid\": 7, \"rate\": 5000, \"domains\": [3, 4], \"idle\": false, "
    "\"passes\": 2, \"scanned\": 1000, \"fill\": 10, \"changed\": 900, "
    "\"registered\": 800, \"merged\": 300, \"released\": 5, \"errors\": 0, "
    "\"records\": 990, \"cpu_s\": 1.250}\n";
} // namespace

TEST(SatoriTopScanner, StatusOfARunningScannerIsShown) {
  satori::Snapshot s;
  s.scanner = satori::ParseScannerStatus(kScanStatus, AlivePid);
  ASSERT_TRUE(s.scanner.running);
  EXPECT_EQ(s.scanner.domains, (std::vector<uint32_t>{3, 4}));
  satori::View v = satori::MakeView(s, nullptr);
  EXPECT_NE(satori::FormatText(v).find("Scanner: 5000 pages/s over 2 guests "
                                       "without hints; 2 passes, 1000 pages "
                                       "scanned, 800 registered, 300 merged"),
            std::string::npos);
  auto j = nlohmann::json::parse(satori::FormatJson(v));
  EXPECT_EQ(j["scanner"]["merged"], 300);
  EXPECT_DOUBLE_EQ(j["scanner"]["cpu_s"].get<double>(), 1.25);
  EXPECT_NE(
      satori::FormatPrometheus(v).find("satori_scanner_registered_total 800\n"),
      std::string::npos);
}

TEST(SatoriTopScanner, StaleOrMalformedStatusReadsAsNotRunning) {
  EXPECT_FALSE(satori::ParseScannerStatus(kScanStatus, DeadPid).running);
  EXPECT_FALSE(satori::ParseScannerStatus("{\"pid\": 7", AlivePid).running);
  EXPECT_FALSE(satori::ParseScannerStatus("{\"pid\": 7}", AlivePid).running);
  EXPECT_FALSE(satori::ParseScannerStatus("[]", AlivePid).running);
  satori::Snapshot s; // no scanner: no line, no JSON object
  satori::View v = satori::MakeView(s, nullptr);
  EXPECT_EQ(satori::FormatText(v).find("Scanner:"), std::string::npos);
  EXPECT_FALSE(
      nlohmann::json::parse(satori::FormatJson(v)).contains("scanner"));
}

// satori-top's command line (options.cc).
namespace {

bool ParseTop(const std::vector<std::string> &args, satori::top::Options *o,
              std::string *why = nullptr) {
  std::string w;
  bool ok = satori::top::ParseOptions(args, o, &w);
  if (why)
    *why = w;
  return ok;
}

TEST(SatoriTopOptions, DefaultsAndValues) {
  satori::top::Options o;
  ASSERT_TRUE(ParseTop({}, &o));
  EXPECT_FALSE(o.batch);
  EXPECT_EQ(o.count, 1);
  EXPECT_EQ(o.delay_s, 1);
  EXPECT_EQ(o.sort, "shared");
  ASSERT_TRUE(ParseTop({"-b", "-n", "3", "-d", "0.5", "-s", "name", "-r"}, &o));
  EXPECT_TRUE(o.batch);
  EXPECT_FALSE(o.json);
  EXPECT_EQ(o.count, 3);
  EXPECT_EQ(o.delay_s, 0.5);
  EXPECT_EQ(o.sort, "name");
  EXPECT_TRUE(o.reverse);
  ASSERT_TRUE(ParseTop({"--json"}, &o));
  EXPECT_TRUE(o.json && o.batch);
  ASSERT_TRUE(ParseTop({"--prometheus", "/tmp/x.prom"}, &o));
  EXPECT_TRUE(o.batch);
  EXPECT_EQ(o.prometheus, "/tmp/x.prom");
}

TEST(SatoriTopOptions, HelpWinsOverWhatFollows) {
  satori::top::Options o;
  ASSERT_TRUE(ParseTop({"-b", "--help", "--bogus"}, &o));
  EXPECT_TRUE(o.help);
  ASSERT_TRUE(ParseTop({"-h"}, &o));
  EXPECT_TRUE(o.help);
  // The help lists every column -s takes.
  std::string help = satori::top::HelpText();
  EXPECT_EQ(help.rfind(satori::top::kUsage, 0), 0u);
  for (const satori::Column &c : satori::Columns())
    EXPECT_NE(help.find(std::string(" ") + c.key), std::string::npos) << c.key;
}

TEST(SatoriTopOptions, BadUsageSaysWhy) {
  struct Case {
    std::vector<std::string> args;
    const char *why;
  };
  for (const Case &k : std::vector<Case>{
           {{"-n"}, "-n wants a value"},
           {{"-n", "0"}, "-n wants a whole number"},
           {{"-n", "1.5"}, "-n wants a whole number"},
           {{"-d", "0.05"}, "-d wants seconds"},
           {{"-d", "3601"}, "-d wants seconds"},
           {{"-d", "nan"}, "-d wants seconds"},
           {{"--prometheus", ""}, "--prometheus wants a file name"},
           {{"-s", "nosuch"}, "no column nosuch"},
           {{"-x"}, "unknown argument -x"},
       }) {
    satori::top::Options o;
    std::string why;
    EXPECT_FALSE(ParseTop(k.args, &o, &why)) << k.why;
    EXPECT_EQ(why.rfind(k.why, 0), 0u) << why << " vs " << k.why;
  }
}

// xentop's spellings, and satori-top's own kept beside them.
TEST(SatoriTopOptions, XentopsSpellingsAndAliases) {
  satori::top::Options o;
  ASSERT_TRUE(ParseTop({"-b", "-i", "4", "--delay=0.2"}, &o));
  EXPECT_EQ(o.count, 4);
  EXPECT_EQ(o.delay_s, 0.2);
  ASSERT_TRUE(ParseTop({"--batch", "--iterations", "5", "--delay", "2"}, &o));
  EXPECT_TRUE(o.batch);
  EXPECT_EQ(o.count, 5);
  EXPECT_EQ(o.delay_s, 2);
  ASSERT_TRUE(ParseTop({"-b", "--json", "-n", "1"}, &o)); // the lab's line
  EXPECT_TRUE(o.json && o.batch);
  EXPECT_EQ(o.count, 1);
  ASSERT_TRUE(ParseTop({"-bn2", "--sort=id", "--reverse"}, &o));
  EXPECT_EQ(o.count, 2);
  EXPECT_EQ(o.sort, "id");
  EXPECT_TRUE(o.reverse);
  ASSERT_TRUE(ParseTop({"--textfile", "/tmp/s.prom"}, &o));
  EXPECT_TRUE(o.batch);
  EXPECT_EQ(o.textfile, "/tmp/s.prom");
  EXPECT_EQ(o.prometheus, "");
  ASSERT_TRUE(ParseTop({"-V"}, &o));
  EXPECT_TRUE(o.version);
  ASSERT_TRUE(ParseTop({"--version", "--bogus"}, &o));
  EXPECT_TRUE(o.version);
}

TEST(SatoriTopOptions, BadUsageOfNewSpellingsSaysWhy) {
  struct Case {
    std::vector<std::string> args;
    const char *why;
  };
  for (const Case &k : std::vector<Case>{
           {{"-i"}, "-i wants a value"},
           {{"--iterations", "0"}, "--iterations wants a whole number"},
           {{"--delay=0"}, "--delay wants seconds"},
           {{"--frobnicate"}, "unknown argument --frobnicate"},
           {{"extra"}, "unknown argument extra"},
           {{"--json=1"}, "--json takes no value"},
           {{"--textfile="}, "--textfile wants a file name"},
           {{"--textfile", "a", "--prometheus", "b"},
            "--prometheus and --textfile exclude each other"},
       }) {
    satori::top::Options o;
    std::string why;
    EXPECT_FALSE(ParseTop(k.args, &o, &why)) << k.why;
    EXPECT_EQ(why.rfind(k.why, 0), 0u) << why << " vs " << k.why;
  }
}

// Every option the help names, short and long.
TEST(SatoriTopOptions, HelpNamesEveryOption) {
  std::string help = satori::top::HelpText();
  for (const char *want :
       {"-d, --delay", "-b, --batch", "-i, --iterations", "-n N", "--json",
        "--textfile FILE", "--prometheus FILE", "-s, --sort", "-r, --reverse",
        "-h, --help", "-V, --version", "Exit status"})
    EXPECT_NE(help.find(want), std::string::npos) << want;
}

} // namespace

// satori-top --textfile's file (FormatTextfile): always an up and a
// scrape-success metric, then the figures when they were read.
namespace {

std::string RunPromtool(const std::string &text, int *rc) {
  std::string path = ::testing::TempDir() + "satori-textfile.prom";
  FILE *f = std::fopen(path.c_str(), "w");
  if (!f)
    return "cannot write " + path;
  std::fputs(text.c_str(), f);
  std::fclose(f);
  std::string cmd = "promtool check metrics <" + path + " 2>&1";
  FILE *p = popen(cmd.c_str(), "r");
  if (!p)
    return "cannot run promtool";
  std::string out;
  char buf[256];
  while (std::fgets(buf, sizeof(buf), p))
    out += buf;
  *rc = pclose(p);
  return out;
}

TEST(SatoriTopTextfile, DownSaysWhyAndNothingElse) {
  satori::ScrapeStatus down{false, 7, false, 0};
  std::string t = satori::FormatTextfile(down, nullptr);
  EXPECT_NE(t.find("# TYPE satori_up gauge\nsatori_up 0\n"), std::string::npos)
      << t;
  EXPECT_NE(t.find("\nsatori_scrape_success 0\n"), std::string::npos) << t;
  EXPECT_NE(t.find("\nsatori_scrape_status 7\n"), std::string::npos) << t;
  EXPECT_NE(t.find("satori_build_info{version=\"" +
                   std::string(satori::ProjectVersion()) + "\"} 1\n"),
            std::string::npos)
      << t;
  EXPECT_EQ(t.find("satori_host_"), std::string::npos) << t;
  if (std::system("command -v promtool >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "promtool not installed (make deps installs prometheus)";
  int rc = -1;
  std::string out = RunPromtool(t, &rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(out, "") << t;
}

TEST(SatoriTopTextfile, UpCarriesEveryFigure) {
  auto s = Snap(0, {Domain(1, "g1", 4, 8, 2), Domain(2, "g2", 4, 6, 0)}, 4, 4);
  satori::View v = satori::MakeView(s, nullptr);
  std::string t = satori::FormatTextfile({true, 0, true, 0.002}, &v);
  EXPECT_EQ(t.rfind("# HELP satori_up ", 0), 0u) << t;
  EXPECT_NE(t.find("\nsatori_up 1\n"), std::string::npos);
  EXPECT_NE(t.find("\nsatori_scrape_success 1\n"), std::string::npos);
  EXPECT_NE(t.find("\nsatori_scrape_status 0\n"), std::string::npos);
  EXPECT_NE(t.find("\nsatori_scrape_duration_seconds 0.002000\n"),
            std::string::npos);
  EXPECT_NE(t.find(satori::FormatPrometheus(v)), std::string::npos);
  // Read but a hypercall failed: up, no success, no figures.
  std::string failed = satori::FormatTextfile({true, 9, false, 0}, nullptr);
  EXPECT_NE(failed.find("\nsatori_up 1\n"), std::string::npos);
  EXPECT_NE(failed.find("\nsatori_scrape_success 0\n"), std::string::npos);
  EXPECT_NE(failed.find("\nsatori_scrape_status 9\n"), std::string::npos);
  if (std::system("command -v promtool >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "promtool not installed (make deps installs prometheus)";
  int rc = -1;
  std::string out = RunPromtool(t, &rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(out, "") << t;
}

} // namespace

// Scraped twice, as Prometheus would: between the two files every
// cumulative figure grows and every current one falls. No sample typed
// counter may go down, every one that went down is a gauge and every one
// that grew a counter: what is typed counter is exactly what the ABI
// calls cumulative.
namespace {

// metric{labels} -> value, and metric -> type, from one exposition text.
void ParseExposition(const std::string &text,
                     std::map<std::string, double> *values,
                     std::map<std::string, std::string> *types) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("# TYPE ", 0) == 0) {
      std::istringstream t(line.substr(7));
      std::string name, type;
      t >> name >> type;
      (*types)[name] = type;
    } else if (!line.empty() && line[0] != '#') {
      size_t sp = line.rfind(' ');
      (*values)[line.substr(0, sp)] = std::stod(line.substr(sp + 1));
    }
  }
}

// Every field: cumulative ones at cum, current ones at now.
satori::Snapshot Filled(uint64_t cum, uint64_t now) {
  satori::Snapshot s;
  satori_host_stats &h = s.host;
  h.shared_frames = h.saved_frames = h.index_entries = h.index_limit =
      h.domain_limit = h.pool_frames = h.lent_frames = h.free_frames =
          h.reserve_frames = h.index_bytes = h.zero_frames = h.zero_gfns = now;
  h.zero_gfns = 2 * now;   // zero_saved_frames = zero_gfns - zero_frames
  h.lent_frames = 2 * now; // pressure_frames = lent - pool
  h.run = h.pending = static_cast<uint32_t>(now);
  h.registered = h.released = h.merged = h.mismatched = h.skipped =
      h.cow_breaks = h.index_evictions = h.index_handovers = h.index_dropped =
          h.unshared = h.reported = h.zero_breaks = cum;
  s.host_vol.owed = now;
  s.host_vol.requests = s.host_vol.repaid = s.host_vol.forced = cum;
  s.query_flags = now > cum ? SATORI_QUERY_F_REPORT : 0;
  s.scanner.running = true;
  s.scanner.rate = now;
  s.scanner.domains.assign(now > cum ? 3 : 1, 5);
  s.scanner.scanned = s.scanner.registered = s.scanner.merged =
      s.scanner.released = cum;
  s.scanner.cpu_s = static_cast<double>(cum);
  satori::DomainSample d;
  d.info.id = 1;
  d.info.name = "g1";
  d.info.mem_bytes = now * 4096;
  d.stats.indexed = d.stats.shared = d.stats.zero = now;
  d.stats.group = static_cast<uint32_t>(now);
  d.stats.run = now > cum ? 1 : 0;
  d.stats.registered = d.stats.released = d.stats.merged = d.stats.mismatched =
      d.stats.skipped = d.stats.cow_breaks = d.stats.reported =
          d.stats.zero_breaks = cum;
  d.vol.entitlement = now << 32;
  d.vol.held = d.vol.owed = now;
  d.vol.restored = now > cum ? 9 : 1; // the hit ratio falls
  d.vol.missed = 1;
  d.vol.repaid = d.vol.forced = d.vol.stored = d.vol.taken = cum;
  s.domains = {d};
  return s;
}

TEST(SatoriTopTextfile, ScrapedTwiceCountersNeverGoDown) {
  satori::Snapshot first = Filled(10, 1000), second = Filled(20, 500);
  first.time_s = 1;
  second.time_s = 16;
  satori::View v1 = satori::MakeView(first, nullptr);
  satori::View v2 = satori::MakeView(second, &first);
  std::map<std::string, double> a, b;
  std::map<std::string, std::string> types;
  ParseExposition(satori::FormatTextfile({true, 0, true, 0}, &v1), &a, &types);
  ParseExposition(satori::FormatTextfile({true, 0, true, 0}, &v2), &b, &types);
  ASSERT_EQ(a.size(), b.size());
  int counters = 0, fell = 0;
  for (const auto &[sample, before] : a) {
    ASSERT_TRUE(b.count(sample)) << sample;
    std::string name = sample.substr(0, sample.find('{'));
    ASSERT_TRUE(types.count(name)) << sample;
    if (types[name] == "counter") {
      ++counters;
      EXPECT_TRUE(name.ends_with("_total")) << name;
      EXPECT_GE(b[sample], before) << sample << " is a counter and went down";
    }
    if (b[sample] < before) {
      ++fell;
      EXPECT_EQ(types[name], "gauge")
          << sample << " fell but is typed " << types[name];
    }
    if (b[sample] > before) {
      EXPECT_EQ(types[name], "counter")
          << sample << " grew but is typed " << types[name];
    }
  }
  EXPECT_GE(counters, 20);
  EXPECT_GE(fell, 20); // the current figures did fall
}

} // namespace
