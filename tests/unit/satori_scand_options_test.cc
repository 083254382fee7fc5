// Unit tests of satori-scand's command line (dom0/satori-scand/options.h)
// and its status file (status.h), read back with satori-top's reader
// (userspace/satori-top/scanner_status.h). No Xen needed.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "files.h"
#include "options.h"
#include "scanner_status.h"
#include "status.h"

namespace satori {
namespace {

bool Parse(const std::vector<std::string> &args, scand::Options *o,
           std::string *why = nullptr) {
  std::string w;
  bool ok = scand::ParseOptions(args, o, &w);
  if (why)
    *why = w;
  return ok;
}

TEST(ScandOptions, Defaults) {
  scand::Options o;
  ASSERT_TRUE(Parse({}, &o));
  EXPECT_FALSE(o.help);
  EXPECT_EQ(o.rate, 5000u);
  EXPECT_EQ(o.idle_s, 10u);
  EXPECT_EQ(o.max_records, 1u << 20);
  EXPECT_TRUE(o.domains.empty());
  EXPECT_EQ(o.status, "/run/satori-scand.json");
}

TEST(ScandOptions, Values) {
  scand::Options o;
  ASSERT_TRUE(Parse({"--rate", "10000000", "--idle", "0", "--domain", "3",
                     "--domain", "1", "--domain", "3", "--max-records",
                     "268435456", "--status", "/tmp/s.json"},
                    &o));
  EXPECT_EQ(o.rate, 10000000u);
  EXPECT_EQ(o.idle_s, 0u);
  EXPECT_EQ(o.domains, (std::set<uint16_t>{1, 3}));
  EXPECT_EQ(o.max_records, 1u << 28);
  EXPECT_EQ(o.status, "/tmp/s.json");
}

TEST(ScandOptions, HelpWinsAndListsEveryOption) {
  scand::Options o;
  ASSERT_TRUE(Parse({"--rate", "5", "--help", "--bogus"}, &o));
  EXPECT_TRUE(o.help);
  std::string help = scand::HelpText();
  EXPECT_EQ(help.rfind(scand::kUsage, 0), 0u);
  for (const char *opt :
       {"--rate", "--domain", "--idle", "--max-records", "--status",
        "Exit status", "268435456", "1048576", "/run/satori-scand.json"})
    EXPECT_NE(help.find(opt), std::string::npos) << opt;
}

// getopt_long: --name=VALUE, unique prefixes, -V and --version.
TEST(ScandOptions, GetoptSpellings) {
  scand::Options o;
  ASSERT_TRUE(Parse({"--rate=7", "--dom=3", "--domain", "4", "--idle=0",
                     "--max-rec=9", "--status=/tmp/s.json"},
                    &o));
  EXPECT_EQ(o.rate, 7u);
  EXPECT_EQ(o.domains, (std::set<uint16_t>{3, 4}));
  EXPECT_EQ(o.idle_s, 0u);
  EXPECT_EQ(o.max_records, 9u);
  EXPECT_EQ(o.status, "/tmp/s.json");
  ASSERT_TRUE(Parse({"--version"}, &o));
  EXPECT_TRUE(o.version);
  ASSERT_TRUE(Parse({"-V"}, &o));
  EXPECT_TRUE(o.version);
  EXPECT_NE(scand::HelpText().find("-V, --version"), std::string::npos);
}

TEST(ScandOptions, BadUsageSaysWhy) {
  struct Case {
    std::vector<std::string> args;
    const char *why;
  };
  for (const Case &k : std::vector<Case>{
           {{"--rate"}, "--rate wants a value"},
           {{"--rate", "0"}, "bad rate '0'"},
           {{"--rate", "10000001"}, "bad rate '10000001'"},
           {{"--rate", "-5"}, "bad rate '-5'"},
           {{"--idle", "86401"}, "bad idle time '86401'"},
           {{"--max-records", "0"}, "bad record cap '0'"},
           {{"--max-records", "268435457"}, "bad record cap '268435457'"},
           {{"--domain", "0"}, "'0' is not a guest domain id"},
           {{"--domain", "32752"}, "'32752' is not a guest domain id"},
           {{"--status", ""}, "--status wants a file name"},
           {{"5"}, "unknown argument '5'"},
           {{"--bogus"}, "unknown argument '--bogus'"},
           {{"-x"}, "unknown argument '-x'"},
           {{"--rate=x"}, "bad rate 'x'"},
           {{"--domain="}, "'' is not a guest domain id"},
       }) {
    scand::Options o;
    std::string why;
    EXPECT_FALSE(Parse(k.args, &o, &why)) << k.why;
    EXPECT_EQ(why.rfind(k.why, 0), 0u) << why << " vs " << k.why;
  }
}

StatusFigures Sample() {
  StatusFigures s;
  s.pid = 4242;
  s.rate = 5000;
  s.domains = {1, 3};
  s.paused = {7};
  s.at_cap = {3};
  s.idle = true;
  s.counters.passes = 5;
  s.counters.scanned = 123456;
  s.counters.fill = 7;
  s.counters.zero = 11;
  s.counters.first_seen = 100;
  s.counters.changed = 9;
  s.counters.registered = 5000;
  s.counters.merged = 4000;
  s.counters.released = 12;
  s.counters.errors = 1;
  s.counters.capped = 2;
  s.counters.cut = 3;
  s.records = 99999;
  s.max_records = 1 << 20;
  s.cpu_s = 1.25;
  return s;
}

TEST(ScandStatus, SatoriTopReadsWhatTheScannerWrites) {
  StatusFigures s = Sample();
  std::string text = FormatStatus(s);
  EXPECT_EQ(text.find('\n'), text.size() - 1); // one line
  ScannerStatus r =
      ParseScannerStatus(text, [](long pid) { return pid == 4242; });
  ASSERT_TRUE(r.running);
  EXPECT_EQ(r.rate, 5000u);
  EXPECT_EQ(r.domains, (std::vector<uint32_t>{1, 3}));
  EXPECT_TRUE(r.idle);
  EXPECT_EQ(r.passes, 5u);
  EXPECT_EQ(r.scanned, 123456u);
  EXPECT_EQ(r.registered, 5000u);
  EXPECT_EQ(r.merged, 4000u);
  EXPECT_EQ(r.released, 12u);
  EXPECT_EQ(r.cpu_s, 1.25);
  // A dead pid reads as not running.
  EXPECT_FALSE(ParseScannerStatus(text, [](long) { return false; }).running);
}

TEST(ScandStatus, EveryFigureIsInTheFile) {
  auto j = nlohmann::json::parse(FormatStatus(Sample()));
  EXPECT_EQ(j.at("paused"), nlohmann::json({7}));
  EXPECT_EQ(j.at("at_cap"), nlohmann::json({3}));
  EXPECT_EQ(j.at("fill"), 7);
  EXPECT_EQ(j.at("zero"), 11);
  EXPECT_EQ(j.at("first_seen"), 100);
  EXPECT_EQ(j.at("changed"), 9);
  EXPECT_EQ(j.at("errors"), 1);
  EXPECT_EQ(j.at("records"), 99999);
  EXPECT_EQ(j.at("max_records"), 1 << 20);
  EXPECT_EQ(j.at("capped"), 2);
  EXPECT_EQ(j.at("cut"), 3);
  EXPECT_EQ(j.size(), 21u); // nothing more, nothing less
}

TEST(ScandStatus, AtCapListsTheGuestsAtTheCap) {
  std::map<uint16_t, uint64_t> records{{1, 10}, {3, 100}, {7, 101}};
  auto of = [&](uint16_t d) { return records.at(d); };
  EXPECT_EQ(AtCap({1, 3, 7}, 100, of), (std::vector<uint16_t>{3, 7}));
  EXPECT_TRUE(AtCap({1, 3, 7}, 1000, of).empty());
  EXPECT_TRUE(AtCap({}, 1, of).empty());
}

TEST(ScandStatus, WrittenWholeAndReplaced) {
  char dir[] = "/tmp/scand-status-XXXXXX";
  ASSERT_TRUE(mkdtemp(dir));
  std::string path = std::string(dir) + "/s.json";
  ASSERT_TRUE(WriteFileAtomically(path, "first\n"));
  ASSERT_TRUE(WriteFileAtomically(path, FormatStatus(Sample())));
  std::ifstream f(path);
  std::stringstream text;
  text << f.rdbuf();
  EXPECT_EQ(text.str(), FormatStatus(Sample()));
  EXPECT_FALSE(std::ifstream(path + ".new").good()); // renamed away
  EXPECT_FALSE(WriteFileAtomically(std::string(dir) + "/no/such/dir", "x"));
  std::remove(path.c_str());
  rmdir(dir);
}

} // namespace
} // namespace satori
