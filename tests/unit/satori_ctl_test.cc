// Unit tests of satori-ctl's parts that need no Xen (userspace/satori-ctl:
// command.cc, report.cc, room.cc): its command line, its help, and that
// its JSON carries the very figures its text does.
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "command.h"
#include "report.h"
#include "room.h"

extern "C" {
#include "satori.h"
}

namespace {

using satori::ctl::Command;
using satori::ctl::Verb;

bool Parse(const std::vector<std::string> &args, Command *c,
           std::string *why = nullptr) {
  std::string w;
  bool ok = satori::ctl::ParseCommand(args, c, &w);
  if (why)
    *why = w;
  return ok;
}

TEST(SatoriCtl, ParsesEveryCommand) {
  Command c;
  ASSERT_TRUE(Parse({"group", "g1", "7"}, &c));
  EXPECT_EQ(c.verb, Verb::kGroup);
  ASSERT_TRUE(c.domain);
  EXPECT_EQ(c.domain->text, "g1");
  EXPECT_FALSE(c.domain->id);
  EXPECT_EQ(c.group, 7u);
  EXPECT_FALSE(c.json);

  ASSERT_TRUE(Parse({"group", "3", "alone"}, &c));
  ASSERT_TRUE(c.domain && c.domain->id);
  EXPECT_EQ(*c.domain->id, 3);
  EXPECT_EQ(c.group, SATORI_GROUP_ALONE);

  ASSERT_TRUE(Parse({"show"}, &c));
  EXPECT_EQ(c.verb, Verb::kShow);
  EXPECT_FALSE(c.domain);
  ASSERT_TRUE(Parse({"show", "0"}, &c));
  ASSERT_TRUE(c.domain && c.domain->id);
  EXPECT_EQ(*c.domain->id, 0);

  ASSERT_TRUE(Parse({"take", "65536"}, &c));
  EXPECT_EQ(c.verb, Verb::kTake);
  EXPECT_EQ(c.frames, 65536u);
  EXPECT_FALSE(c.domain);
  // Its old name still works.
  ASSERT_TRUE(Parse({"reclaim", "65536"}, &c));
  EXPECT_EQ(c.verb, Verb::kTake);
  EXPECT_EQ(c.frames, 65536u);
  EXPECT_FALSE(c.domain);
  ASSERT_TRUE(Parse({"repay", "1", "g3"}, &c));
  EXPECT_EQ(c.verb, Verb::kRepay);
  EXPECT_EQ(c.frames, 1u);
  ASSERT_TRUE(c.domain);
  EXPECT_EQ(c.domain->text, "g3");

  ASSERT_TRUE(Parse({"make-room", "256"}, &c));
  EXPECT_EQ(c.verb, Verb::kMakeRoom);
  EXPECT_EQ(c.mib, 256u);
  EXPECT_EQ(c.name, "make-room");

  // Back to waiting for placement (1.8).
  ASSERT_TRUE(Parse({"group", "g1", "pending"}, &c));
  EXPECT_EQ(c.group, SATORI_GROUP_PENDING);

  ASSERT_TRUE(Parse({"off"}, &c));
  EXPECT_EQ(c.verb, Verb::kOff);
  EXPECT_FALSE(c.unshare);
  EXPECT_FALSE(c.domain);
  ASSERT_TRUE(Parse({"off", "--unshare"}, &c));
  EXPECT_TRUE(c.unshare);
  EXPECT_FALSE(c.domain);
  ASSERT_TRUE(Parse({"off", "--unshare", "g2", "--json"}, &c));
  EXPECT_TRUE(c.unshare);
  EXPECT_TRUE(c.json);
  ASSERT_TRUE(c.domain);
  EXPECT_EQ(c.domain->text, "g2");
  ASSERT_TRUE(Parse({"on"}, &c));
  EXPECT_EQ(c.verb, Verb::kOn);
  EXPECT_FALSE(c.domain);
  ASSERT_TRUE(Parse({"on", "4"}, &c));
  ASSERT_TRUE(c.domain && c.domain->id);
  EXPECT_EQ(*c.domain->id, 4);
}

// create passes what follows CFG to xl create untouched, even -h and
// --json.
TEST(SatoriCtl, CreatePassesXlsArgumentsOn) {
  Command c;
  ASSERT_TRUE(Parse({"create", "/etc/xen/g3.cfg"}, &c));
  EXPECT_EQ(c.verb, Verb::kCreate);
  EXPECT_EQ(c.config, "/etc/xen/g3.cfg");
  EXPECT_TRUE(c.xl_args.empty());
  ASSERT_TRUE(Parse(
      {"--json", "create", "g3.cfg", "-p", "memory=512", "-h", "--json", "-c"},
      &c));
  EXPECT_EQ(c.verb, Verb::kCreate);
  EXPECT_TRUE(c.json);
  EXPECT_EQ(c.config, "g3.cfg");
  EXPECT_EQ(c.xl_args, (std::vector<std::string>{"-p", "memory=512", "-h",
                                                 "--json", "-c"}));
}

TEST(SatoriCtl, JsonMayStandAnywhere) {
  Command c;
  ASSERT_TRUE(Parse({"--json", "repay", "8"}, &c));
  EXPECT_TRUE(c.json);
  EXPECT_EQ(c.verb, Verb::kRepay);
  ASSERT_TRUE(Parse({"repay", "8", "--json"}, &c));
  EXPECT_TRUE(c.json);
  EXPECT_FALSE(c.domain);
  ASSERT_TRUE(Parse({"show", "--json", "g1"}, &c));
  EXPECT_TRUE(c.json);
  ASSERT_TRUE(c.domain);
  EXPECT_EQ(c.domain->text, "g1");
}

TEST(SatoriCtl, HelpWinsAndHelpIsOnlyACommandFirst) {
  Command c;
  for (const std::vector<std::string> &args :
       std::vector<std::vector<std::string>>{{"--help"},
                                             {"-h"},
                                             {"help"},
                                             {"--json", "help"},
                                             {"repay", "0", "--help"},
                                             {"bogus", "-h"}}) {
    ASSERT_TRUE(Parse(args, &c)) << args[0];
    EXPECT_EQ(c.verb, Verb::kHelp) << args[0];
  }
  // A domain may be called "help".
  ASSERT_TRUE(Parse({"group", "help", "1"}, &c));
  EXPECT_EQ(c.verb, Verb::kGroup);
  EXPECT_EQ(c.domain->text, "help");
}

TEST(SatoriCtl, BadUsageSaysWhy) {
  struct Case {
    std::vector<std::string> args;
    const char *why;
  };
  for (const Case &k : std::vector<Case>{
           {{}, "missing command"},
           {{"--json"}, "missing command"},
           {{"frob"}, "unknown command frob"},
           {{"--frob", "show"}, "unknown option --frob"},
           {{"group", "g1"}, "group wants DOMAIN GROUP"},
           {{"group", "g1", "2147483648"}, "bad group 2147483648"},
           {{"group", "", "1"}, "empty DOMAIN"},
           {{"group", "32752", "1"}, "bad domain 32752"},
           {{"show", "a", "b"}, "show wants at most one DOMAIN"},
           {{"take"}, "take wants FRAMES [DOMAIN]"},
           {{"reclaim"}, "reclaim wants FRAMES [DOMAIN]"},
           {{"repay", "1", "g1", "x"}, "repay wants FRAMES [DOMAIN]"},
           {{"take", "0"}, "bad frame count 0"},
           {{"repay", "65537"}, "bad frame count 65537"},
           {{"repay", "-1"}, "bad frame count -1"},
           {{"repay", "1", "99999"}, "bad domain 99999"},
           {{"make-room"}, "make-room wants MIB"},
           {{"make-room", "0"}, "bad size 0"},
           {{"make-room", "10000000"}, "bad size 10000000"},
           {{"group", "g1", "Pending"}, "bad group Pending"},
           {{"off", "g1", "g2"}, "off wants [--unshare] [DOMAIN]"},
           {{"off", "--frob"}, "unknown option --frob"},
           {{"off", "g1", "--unshare"}, "off wants [--unshare] [DOMAIN]"},
           {{"on", "--unshare"}, "unknown option --unshare"},
           {{"on", "a", "b"}, "on wants [DOMAIN]"},
           {{"on", "32752"}, "bad domain 32752"},
           {{"create"}, "create wants CFG [XL-ARGS...]"},
           {{"create", "-p", "g3.cfg"}, "create wants CFG first"},
       }) {
    Command c;
    std::string why;
    EXPECT_FALSE(Parse(k.args, &c, &why)) << k.why;
    EXPECT_EQ(why.rfind(k.why, 0), 0u) << why << " vs " << k.why;
  }
}

// getopt_long's conventions, with satori-ctl's own rules kept: -V and
// --version, negative numbers as operands, "--" ends the options.
TEST(SatoriCtl, VersionNegativeNumbersAndDoubleDash) {
  Command c;
  for (const std::vector<std::string> &args :
       std::vector<std::vector<std::string>>{
           {"--version"}, {"-V"}, {"show", "--version"}, {"--json", "-V"}}) {
    ASSERT_TRUE(Parse(args, &c)) << args[0];
    EXPECT_EQ(c.verb, Verb::kVersion) << args[0];
  }
  // --help wins over --version only by coming first, as any option.
  ASSERT_TRUE(Parse({"-h", "-V"}, &c));
  EXPECT_EQ(c.verb, Verb::kHelp);
  // After create's CFG, -V is xl's.
  ASSERT_TRUE(Parse({"create", "g.cfg", "-V"}, &c));
  EXPECT_EQ(c.verb, Verb::kCreate);
  EXPECT_EQ(c.xl_args, std::vector<std::string>{"-V"});
  // A domain named like an option, after "--".
  ASSERT_TRUE(Parse({"--json", "show", "--", "-odd"}, &c));
  EXPECT_TRUE(c.json);
  ASSERT_TRUE(c.domain);
  EXPECT_EQ(c.domain->text, "-odd");
  ASSERT_TRUE(Parse({"off", "--unshare", "--json"}, &c));
  EXPECT_TRUE(c.unshare && c.json);
  struct Case {
    std::vector<std::string> args;
    const char *why;
  };
  for (const Case &k : std::vector<Case>{
           {{"group", "g1", "-1"}, "bad group -1"},
           {{"take", "-5"}, "bad frame count -5"},
           {{"-1"}, "unknown option -1"},
           {{"show", "--frob"}, "unknown option --frob"},
           {{"show", "-x"}, "unknown option -x"},
           {{"--json=1", "show"}, "--json takes no value"},
           {{"--unshare", "off"}, "unknown option --unshare"},
           {{"show", "--unshare"}, "unknown option --unshare"},
       }) {
    std::string why;
    EXPECT_FALSE(Parse(k.args, &c, &why)) << k.why;
    EXPECT_EQ(why.rfind(k.why, 0), 0u) << why << " vs " << k.why;
  }
}

TEST(SatoriCtl, InterfaceEachCommandNeeds) {
  EXPECT_EQ(satori::ctl::MinorNeeded(Verb::kGroup), 2u);
  EXPECT_EQ(satori::ctl::MinorNeeded(Verb::kShow), 2u);
  EXPECT_EQ(satori::ctl::MinorNeeded(Verb::kTake), 3u);
  EXPECT_EQ(satori::ctl::MinorNeeded(Verb::kRepay), 4u);
  EXPECT_EQ(satori::ctl::MinorNeeded(Verb::kMakeRoom), 4u);
  EXPECT_EQ(satori::ctl::MinorNeeded(Verb::kCreate), 4u);
  EXPECT_EQ(satori::ctl::MinorNeeded(Verb::kOff), 8u);
  EXPECT_EQ(satori::ctl::MinorNeeded(Verb::kOn), 8u);
}

satori::ctl::ShowReport SampleShow() {
  satori::ctl::ShowReport r;
  r.entitlements = true;
  r.rows.push_back({0, "Domain-0", SATORI_GROUP_ALONE, 0, 0});
  r.rows.push_back({1, "g1", 7, (uint64_t{1234} << 32) + (1ULL << 31), 99});
  r.rows.push_back({5, "", 0, 3, 0});
  return r;
}

satori::ctl::RepayReport SampleRepay() {
  satori::ctl::RepayReport r;
  r.target = {uint16_t{3}, "g3 (domain 3)"};
  r.frames = 500;
  r.asked = 400;
  r.repaid = 390;
  r.forced = 10;
  r.ms = 12.34;
  return r;
}

TEST(SatoriCtl, ShowTextIsTheTable) {
  EXPECT_EQ(satori::ctl::FormatText(SampleShow()),
            "   ID NAME          GROUP   ENTITLED          ENTITLEMENT  "
            "VOLATILE\n"
            "    0 Domain-0      alone       0.00                    0 "
            "        0\n"
            "    1 g1                7    1234.50        5302137126912 "
            "       99\n"
            "    5 -                 0       0.00                    3 "
            "        0\n");
  satori::ctl::ShowReport old = SampleShow();
  old.entitlements = false; // a 1.2 hypervisor
  EXPECT_EQ(satori::ctl::FormatText(old), "   ID NAME          GROUP\n"
                                          "    0 Domain-0      alone\n"
                                          "    1 g1                7\n"
                                          "    5 -                 0\n");
}

TEST(SatoriCtl, ShowJsonHasTheTextsFigures) {
  satori::ctl::ShowReport r = SampleShow();
  std::string text = satori::ctl::FormatText(r);
  std::string json = satori::ctl::FormatJson(r);
  ASSERT_EQ(json.back(), '\n');
  EXPECT_EQ(json.find('\n'), json.size() - 1); // one line
  auto j = nlohmann::json::parse(json);
  EXPECT_EQ(j.at("command"), "show");
  const auto &doms = j.at("domains");
  ASSERT_EQ(doms.size(), r.rows.size());
  // Every text line, field by field, against its JSON row.
  std::istringstream lines(text);
  std::string line;
  std::getline(lines, line); // header
  for (const auto &d : doms) {
    ASSERT_TRUE(std::getline(lines, line));
    std::istringstream f(line);
    std::string id, name, group, entitled, entitlement, vol;
    f >> id >> name >> group >> entitled >> entitlement >> vol;
    EXPECT_EQ(std::to_string(d.at("id").get<uint32_t>()), id);
    EXPECT_EQ(d.at("name").get<std::string>().empty()
                  ? "-"
                  : d.at("name").get<std::string>(),
              name);
    uint32_t g = d.at("group").get<uint32_t>();
    EXPECT_EQ(g == SATORI_GROUP_ALONE ? "alone" : std::to_string(g), group);
    EXPECT_EQ(std::to_string(d.at("entitlement").get<uint64_t>()), entitlement);
    EXPECT_EQ(d.at("entitled").get<uint64_t>(),
              d.at("entitlement").get<uint64_t>() >> 32);
    EXPECT_EQ(static_cast<uint64_t>(std::stod(entitled)),
              d.at("entitled").get<uint64_t>());
    EXPECT_EQ(std::to_string(d.at("volatile_frames").get<uint64_t>()), vol);
  }
  // Without entitlements (1.2) the keys are absent, so a reader that
  // needs them fails rather than reading zeros.
  r.entitlements = false;
  auto old = nlohmann::json::parse(satori::ctl::FormatJson(r));
  EXPECT_FALSE(old.at("domains")[1].contains("entitlement"));
  EXPECT_FALSE(old.at("domains")[1].contains("volatile_frames"));
}

TEST(SatoriCtl, TakeJsonHasTheTextsFigures) {
  satori::ctl::TakeReport r;
  r.target = {std::nullopt, "the domains that should give first"};
  r.frames = 65536;
  r.taken = 1234;
  std::string text = satori::ctl::FormatText(r);
  EXPECT_EQ(text, "took 1234 of 65536 frames from the domains that should give "
                  "first\n");
  auto j = nlohmann::json::parse(satori::ctl::FormatJson(r));
  EXPECT_EQ(j.at("command"), "take");
  EXPECT_EQ(j.at("taken"), 1234);
  EXPECT_EQ(j.at("frames"), 65536);
  EXPECT_TRUE(j.at("domid").is_null());
  EXPECT_EQ(j.at("from"), r.target.from);
  r.target = {uint16_t{3}, "g3 (domain 3)"};
  EXPECT_EQ(nlohmann::json::parse(satori::ctl::FormatJson(r)).at("domid"), 3);
}

TEST(SatoriCtl, RepayJsonHasTheTextsFigures) {
  satori::ctl::RepayReport r = SampleRepay();
  std::string text = satori::ctl::FormatText(r);
  EXPECT_EQ(text, "asked g3 (domain 3) for 400 of 500 frames: 390 repaid, 10 "
                  "forced, in 12.3 ms\n");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      text, m,
      std::regex(
          R"(for (\d+) of (\d+) frames: (\d+) repaid, (\d+) forced, in ([0-9.]+) ms)")));
  auto j = nlohmann::json::parse(satori::ctl::FormatJson(r));
  EXPECT_EQ(j.at("command"), "repay");
  EXPECT_EQ(std::to_string(j.at("asked").get<uint64_t>()), m[1].str());
  EXPECT_EQ(std::to_string(j.at("frames").get<uint64_t>()), m[2].str());
  EXPECT_EQ(std::to_string(j.at("repaid").get<uint64_t>()), m[3].str());
  EXPECT_EQ(std::to_string(j.at("forced").get<uint64_t>()), m[4].str());
  EXPECT_NEAR(j.at("ms").get<double>(), std::stod(m[5].str()), 0.05);
  EXPECT_EQ(j.at("domid"), 3);
}

TEST(SatoriCtl, MakeRoomJsonHasTheTextsFigures) {
  satori::ctl::RoomReport r;
  r.mib = 300;
  r.free_frames = 256 * 1000 + 17;
  r.reserve_frames = 256 * 64;
  EXPECT_EQ(satori::ctl::FormatText(r),
            "free: 1000 MiB (reserve 64 MiB, wanted 300 MiB more)\n");
  auto j = nlohmann::json::parse(satori::ctl::FormatJson(r));
  EXPECT_EQ(j.at("command"), "make-room");
  EXPECT_EQ(j.at("mib"), 300);
  EXPECT_EQ(j.at("free_mib"), 1000);
  EXPECT_EQ(j.at("reserve_mib"), 64);
  EXPECT_EQ(j.at("free_frames"), r.free_frames);
  EXPECT_EQ(j.at("reserve_frames"), r.reserve_frames);
  EXPECT_TRUE(j.at("repay").is_null());

  r.repay = SampleRepay();
  std::string text = satori::ctl::FormatText(r);
  EXPECT_EQ(text, satori::ctl::FormatText(*r.repay) +
                      "free: 1000 MiB (reserve 64 MiB, wanted 300 MiB more)\n");
  j = nlohmann::json::parse(satori::ctl::FormatJson(r));
  EXPECT_EQ(j.at("repay"),
            nlohmann::json::parse(satori::ctl::FormatJson(*r.repay)));
}

// Every key --json prints is in the help, and every command too.
TEST(SatoriCtl, HelpDocumentsEveryCommandAndKey) {
  std::string help = satori::ctl::HelpText();
  EXPECT_EQ(help.rfind(satori::ctl::kUsage, 0), 0u); // usage first, once
  EXPECT_EQ(help.find(satori::ctl::kUsage, 1), std::string::npos);
  for (const char *verb :
       {"group", "show", "take", "reclaim", "repay", "make-room", "off",
        "--unshare", "on [DOMAIN]", "create CFG", "pending", "--json",
        "Exit status", "10 not enough free memory to unshare"})
    EXPECT_NE(help.find(verb), std::string::npos) << verb;
  satori::ctl::RoomReport room;
  room.repay = SampleRepay();
  satori::ctl::TakeReport take;
  satori::ctl::CreateReport create;
  satori::ctl::RunReport run;
  satori::ctl::ShowReport show = SampleShow();
  show.runs = true;
  show.zeros = true;
  std::vector<nlohmann::json> all = {
      nlohmann::json::parse(satori::ctl::FormatJson(show)).at("domains")[1],
      nlohmann::json::parse(satori::ctl::FormatJson(SampleShow())),
      nlohmann::json::parse(satori::ctl::FormatJson(take)),
      nlohmann::json::parse(satori::ctl::FormatJson(room)),
      nlohmann::json::parse(satori::ctl::FormatJson(create)),
      nlohmann::json::parse(satori::ctl::FormatJson(run))};
  for (const auto &obj : all)
    for (const auto &[key, value] : obj.items())
      EXPECT_NE(help.find("\"" + key + "\""), std::string::npos) << key;
}

// Reported pages (interface 1.9): the frames they save stay for their
// refaults; free + lent must cover them after the new domain.
TEST(SatoriCtl, MakeRoomKeepsWhatRefaultsNeed) {
  satori_host_stats h{};
  h.reserve_frames = 1000;
  h.free_frames = 10000;
  h.lent_frames = 2000;
  h.zero_gfns = 5001;
  h.zero_frames = 1; // 5000 frames saved by zero pages
  EXPECT_EQ(satori::ctl::KeptForRefaults(h), 5000u);
  // 10 MiB = 2560 + 1000 reserve + 5000 kept = 8560 <= 12000: room.
  EXPECT_TRUE(satori::ctl::HasRoom(h, 10));
  // 24 MiB = 6144 + 1000 fits the free heap (7144 <= 10000), but with the
  // 5000 kept it needs 12144 > 12000: refused, and asking cannot help.
  EXPECT_FALSE(satori::ctl::HasRoom(h, 24));
  EXPECT_FALSE(satori::ctl::CanMakeRoom(h, 24));
  // A hypervisor before 1.9 reads zeros there: nothing kept.
  h.zero_gfns = h.zero_frames = 0;
  EXPECT_TRUE(satori::ctl::HasRoom(h, 24));
}

TEST(SatoriCtl, MakeRoomAsksForWhatIsLacking) {
  satori_host_stats h{};
  h.reserve_frames = 1000;
  h.free_frames = 5000;
  h.lent_frames = 100000;
  // 10 MiB = 2560 frames + 1000 reserve fit in 5000 free.
  EXPECT_EQ(satori::ctl::FramesLacking(h, 10), 0u);
  EXPECT_TRUE(satori::ctl::HasRoom(h, 10));
  // 20 MiB = 5120 + 1000 = 6120: 1120 lacking.
  EXPECT_EQ(satori::ctl::FramesLacking(h, 20), 1120u);
  EXPECT_FALSE(satori::ctl::HasRoom(h, 20));
  EXPECT_EQ(satori::ctl::NextAsk(h, 20), 1120u);
  EXPECT_TRUE(satori::ctl::CanMakeRoom(h, 20));
  // Never more than is lent...
  h.lent_frames = 500;
  EXPECT_EQ(satori::ctl::FramesLacking(h, 20), 500u);
  EXPECT_EQ(satori::ctl::NextAsk(h, 20), 500u);
  // ...and then the room cannot be made: make-room asks for nothing.
  EXPECT_FALSE(satori::ctl::CanMakeRoom(h, 20));
  // Any size free + lent covers: what is lacking in all, asked for in
  // asks of at most what one may carry.
  h.lent_frames = 1 << 20;
  EXPECT_EQ(satori::ctl::FramesLacking(h, 4096), 4096u * 256 + 1000 - 5000);
  EXPECT_EQ(satori::ctl::NextAsk(h, 4096), uint64_t{SATORI_TAKE_MAX});
  EXPECT_TRUE(satori::ctl::CanMakeRoom(h, 4096));
  // Exactly free + lent: possible; one frame more: not.
  h.free_frames = 5000;
  h.lent_frames = 256 * 4096 + 1000 - 5000;
  EXPECT_TRUE(satori::ctl::CanMakeRoom(h, 4096));
  --h.lent_frames;
  EXPECT_FALSE(satori::ctl::CanMakeRoom(h, 4096));
  h.free_frames = 5000;
  h.lent_frames = 1 << 20;
  // The boundary: exactly the room there is.
  h.free_frames = 256 * 20 + 1000;
  EXPECT_EQ(satori::ctl::FramesLacking(h, 20), 0u);
  EXPECT_TRUE(satori::ctl::HasRoom(h, 20));
  EXPECT_EQ(satori::ctl::FramesLacking(h, 21), 256u);
}

// show's RUN column (1.8) and a pending group, in text and JSON.
TEST(SatoriCtl, ShowHasRunStatesAndPendingGroups) {
  satori::ctl::ShowReport r;
  r.runs = true;
  r.rows.push_back({1, "g1", 7, 0, 0, SATORI_RUN_ON});
  r.rows.push_back({2, "g2", SATORI_GROUP_PENDING, 0, 0, SATORI_RUN_STOP});
  r.rows.push_back({3, "g3", SATORI_GROUP_ALONE, 0, 0, SATORI_RUN_UNSHARE});
  EXPECT_EQ(satori::ctl::FormatText(r),
            "   ID NAME           GROUP      RUN\n"
            "    1 g1                 7       on\n"
            "    2 g2           pending      off\n"
            "    3 g3             alone unshared\n");
  auto j = nlohmann::json::parse(satori::ctl::FormatJson(r));
  EXPECT_EQ(j.at("domains")[0].at("run"), SATORI_RUN_ON);
  EXPECT_EQ(j.at("domains")[1].at("run"), SATORI_RUN_STOP);
  EXPECT_EQ(j.at("domains")[1].at("group"), 4294967294u);
  EXPECT_EQ(j.at("domains")[2].at("run"), SATORI_RUN_UNSHARE);
  // Before 1.8 there is no run state: no column, no key.
  r.runs = false;
  EXPECT_EQ(satori::ctl::FormatText(r).find("RUN"), std::string::npos);
  EXPECT_FALSE(nlohmann::json::parse(satori::ctl::FormatJson(r))
                   .at("domains")[0]
                   .contains("run"));
}

// show's ZERO column (1.9): a domain's pages backed by a zero frame now,
// last on the line, in text and JSON; absent before 1.9.
TEST(SatoriCtl, ShowHasZeroPages) {
  satori::ctl::ShowReport r = SampleShow();
  r.runs = true;
  r.zeros = true;
  r.rows[1].zero = 4096;
  r.rows[2].zero = 7;
  EXPECT_EQ(
      satori::ctl::FormatText(r),
      "   ID NAME          GROUP      RUN   ENTITLED          ENTITLEMENT "
      " VOLATILE      ZERO\n"
      "    0 Domain-0      alone       on       0.00                    0 "
      "        0         0\n"
      "    1 g1                7       on    1234.50        5302137126912 "
      "       99      4096\n"
      "    5 -                 0       on       0.00                    3 "
      "        0         7\n");
  auto j = nlohmann::json::parse(satori::ctl::FormatJson(r));
  EXPECT_EQ(j.at("domains")[0].at("zero"), 0);
  EXPECT_EQ(j.at("domains")[1].at("zero"), 4096);
  EXPECT_EQ(j.at("domains")[2].at("zero"), 7);
  r.zeros = false; // a 1.8 hypervisor
  EXPECT_EQ(satori::ctl::FormatText(r).find("ZERO"), std::string::npos);
  EXPECT_FALSE(nlohmann::json::parse(satori::ctl::FormatJson(r))
                   .at("domains")[1]
                   .contains("zero"));
}

TEST(SatoriCtl, OffAndOnSayWhatHappened) {
  satori::ctl::RunReport r;
  r.command = "off";
  r.target = {std::nullopt, "the host"};
  r.run = SATORI_RUN_STOP;
  EXPECT_EQ(satori::ctl::FormatText(r), "the host: off\n");
  auto j = nlohmann::json::parse(satori::ctl::FormatJson(r));
  EXPECT_EQ(j.at("command"), "off");
  EXPECT_TRUE(j.at("domid").is_null());
  EXPECT_EQ(j.at("target"), "the host");
  EXPECT_EQ(j.at("run"), SATORI_RUN_STOP);
  EXPECT_EQ(j.at("unshared"), 0);

  r.target = {uint16_t{3}, "g3 (domain 3)"};
  r.run = SATORI_RUN_UNSHARE;
  r.unshared = 12345;
  EXPECT_EQ(satori::ctl::FormatText(r),
            "g3 (domain 3): off, 12345 pages unshared\n");
  j = nlohmann::json::parse(satori::ctl::FormatJson(r));
  EXPECT_EQ(j.at("domid"), 3);
  EXPECT_EQ(j.at("run"), SATORI_RUN_UNSHARE);
  EXPECT_EQ(j.at("unshared"), 12345);

  r.command = "on";
  r.run = SATORI_RUN_ON;
  r.unshared = 0;
  EXPECT_EQ(satori::ctl::FormatText(r), "g3 (domain 3): on\n");
}

TEST(SatoriCtl, CreateSaysTheGuestsMemoryThenMakeRooms) {
  satori::ctl::CreateReport r;
  r.config = "/etc/xen/g3.cfg";
  r.guest_mib = 1024;
  r.overhead_mib = 13;
  r.room.mib = 1037;
  r.room.free_frames = 256 * 2000;
  r.room.reserve_frames = 256 * 64;
  r.room.asks = 5;
  r.room.repay = SampleRepay();
  EXPECT_EQ(satori::ctl::FormatText(r),
            "/etc/xen/g3.cfg: 1024 MiB and 13 MiB beside it\n" +
                satori::ctl::FormatText(r.room));
  auto j = nlohmann::json::parse(satori::ctl::FormatJson(r));
  EXPECT_EQ(j.at("command"), "create");
  EXPECT_EQ(j.at("config"), r.config);
  EXPECT_EQ(j.at("guest_mib"), 1024);
  EXPECT_EQ(j.at("overhead_mib"), 13);
  EXPECT_EQ(j.at("mib"), 1037);
  EXPECT_EQ(j.at("asks"), 5);
  EXPECT_EQ(j.at("repay"),
            nlohmann::json::parse(satori::ctl::FormatJson(*r.room.repay)));
}

} // namespace
