// Unit tests of satori-groupd's parts that need no Xen
// (userspace/satori-groupd: config.cc, options.cc): the groups file, the
// placement it gives each name, and the command line.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "options.h"

extern "C" {
#include "satori.h"
}

namespace {

using satori::groupd::GroupsConfig;
using satori::groupd::Placement;

constexpr uint32_t kAlone = SATORI_GROUP_ALONE;

GroupsConfig Parse(const std::string &text) {
  return GroupsConfig::Parse("groups.conf", text);
}

void ExpectPlaced(const GroupsConfig &c, const std::string &name,
                  uint32_t group, const std::string &source) {
  Placement p = c.Place(name);
  EXPECT_EQ(p.group, group) << name;
  EXPECT_EQ(p.source, source) << name;
}

TEST(GroupsConfig, NamesGroupsCommentsAndDefault) {
  GroupsConfig c = Parse("# the web tier\n"
                         "web1 7\n"
                         "\n"
                         "  web2\t7   # same tier\n"
                         "db alone\n"
                         "big 2147483647\n"
                         "zero 0\n"
                         "default 3\n");
  EXPECT_TRUE(c.Errors().empty()) << c.Errors()[0];
  EXPECT_EQ(c.Names(), 5u);
  EXPECT_EQ(c.DefaultGroup(), 3u);
  ExpectPlaced(c, "web1", 7, "groups.conf:2");
  ExpectPlaced(c, "web2", 7, "groups.conf:4");
  ExpectPlaced(c, "db", kAlone, "groups.conf:5");
  ExpectPlaced(c, "big", SATORI_GROUP_MAX, "groups.conf:6");
  ExpectPlaced(c, "zero", 0, "groups.conf:7");
  ExpectPlaced(c, "other", 3, "default");
  // Names are exact: no case folding, no prefixes.
  ExpectPlaced(c, "Web1", 3, "default");
  ExpectPlaced(c, "web", 3, "default");
}

TEST(GroupsConfig, WithoutADefaultLineTheRestIsAlone) {
  GroupsConfig c = Parse("web1 7\n");
  EXPECT_TRUE(c.Errors().empty());
  EXPECT_EQ(c.DefaultGroup(), kAlone);
  ExpectPlaced(c, "web2", kAlone, "default");
  // An empty file, or only comments: everything alone, no problem.
  for (const char *text : {"", "\n\n", "# nothing yet\n", "   \t\n"}) {
    GroupsConfig e = Parse(text);
    EXPECT_TRUE(e.Errors().empty()) << text;
    EXPECT_EQ(e.Names(), 0u);
    ExpectPlaced(e, "web1", kAlone, "default");
  }
  // The last line needs no newline; CRLF files read the same.
  GroupsConfig crlf = Parse("web1 7\r\ndefault 2\r\nweb2 5");
  EXPECT_TRUE(crlf.Errors().empty()) << crlf.Errors()[0];
  ExpectPlaced(crlf, "web1", 7, "groups.conf:1");
  ExpectPlaced(crlf, "web2", 5, "groups.conf:3");
  EXPECT_EQ(crlf.DefaultGroup(), 2u);
}

// A malformed line places the domain it names alone, whatever the default,
// and says FILE:LINE: what is wrong.
TEST(GroupsConfig, AMalformedLinePlacesItsNameAlone) {
  struct Case {
    const char *line;
    const char *name;
    const char *message;
  };
  for (const Case &k : std::vector<Case>{
           {"web1", "web1",
            "groups.conf:2: want NAME GROUP, found 1 words; web1 is placed "
            "alone"},
           {"web1 7 8", "web1",
            "groups.conf:2: want NAME GROUP, found 3 words; web1 is placed "
            "alone"},
           {"web1 seven", "web1",
            "groups.conf:2: bad group \"seven\" (a number 0..2147483647 or "
            "alone); web1 is placed alone"},
           {"web1 -1", "web1", nullptr},
           {"web1 +7", "web1", nullptr},
           {"web1 2147483648", "web1", nullptr},
           {"web1 4294967295", "web1", nullptr},
           {"web1 pending", "web1", nullptr},
           {"web1 Alone", "web1", nullptr},
           {"web1 7x", "web1", nullptr},
           {"web1 0x7", "web1", nullptr},
           {"web1 7#comment", "web1", nullptr}, // the group is "7": fine
       }) {
    GroupsConfig c = Parse(std::string("default 3\n") + k.line + "\nok 5\n");
    if (std::string(k.line) == "web1 7#comment") {
      EXPECT_TRUE(c.Errors().empty());
      ExpectPlaced(c, "web1", 7, "groups.conf:2");
      continue;
    }
    ASSERT_EQ(c.Errors().size(), 1u) << k.line;
    if (k.message)
      EXPECT_EQ(c.Errors()[0], k.message);
    else
      EXPECT_EQ(c.Errors()[0].rfind("groups.conf:2: bad group", 0), 0u)
          << c.Errors()[0];
    ExpectPlaced(c, k.name, kAlone, "groups.conf:2");
    // The other lines still hold.
    ExpectPlaced(c, "ok", 5, "groups.conf:3");
    ExpectPlaced(c, "other", 3, "default");
  }
}

TEST(GroupsConfig, ANameGivenTwiceIsAlone) {
  // Even when both lines agree: the operator meant one of two things.
  for (const char *second : {"web1 8", "web1 7", "web1 bad"}) {
    GroupsConfig c = Parse(std::string("web1 7\nweb2 7\n") + second + "\n");
    ASSERT_EQ(c.Errors().size(), 1u) << second;
    EXPECT_EQ(c.Errors()[0], "groups.conf:3: web1 is named again (first on "
                             "line 1); web1 is placed alone");
    ExpectPlaced(c, "web1", kAlone, "groups.conf:3");
    ExpectPlaced(c, "web2", 7, "groups.conf:2");
  }
  // A third time still alone, and still said.
  GroupsConfig c = Parse("web1 7\nweb1 7\nweb1 7\n");
  EXPECT_EQ(c.Errors().size(), 2u);
  ExpectPlaced(c, "web1", kAlone, "groups.conf:3");
}

TEST(GroupsConfig, ABadOrSecondDefaultLeavesTheRestAlone) {
  GroupsConfig bad = Parse("default seven\nweb1 7\n");
  ASSERT_EQ(bad.Errors().size(), 1u);
  EXPECT_EQ(bad.Errors()[0],
            "groups.conf:1: bad group \"seven\" (a number 0..2147483647 or "
            "alone); domains no line names are placed alone");
  EXPECT_EQ(bad.DefaultGroup(), kAlone);
  ExpectPlaced(bad, "other", kAlone, "default");
  ExpectPlaced(bad, "web1", 7, "groups.conf:2");

  GroupsConfig words = Parse("default\n");
  ASSERT_EQ(words.Errors().size(), 1u);
  EXPECT_EQ(words.Errors()[0], "groups.conf:1: want default GROUP, found 1 "
                               "words; domains no line names are placed alone");

  // Two defaults: neither wins, whichever order.
  GroupsConfig twice = Parse("default 3\nweb1 7\ndefault 3\n");
  ASSERT_EQ(twice.Errors().size(), 1u);
  EXPECT_EQ(twice.Errors()[0],
            "groups.conf:3: a second default line (the first is line 1); "
            "domains no line names are placed alone");
  EXPECT_EQ(twice.DefaultGroup(), kAlone);
  GroupsConfig after_bad = Parse("default x\ndefault 3\n");
  EXPECT_EQ(after_bad.Errors().size(), 2u);
  EXPECT_EQ(after_bad.DefaultGroup(), kAlone);
}

// xl names the receiving side of a live migration NAME--incoming.
TEST(GroupsConfig, TheIncomingSuffixIsStripped) {
  using satori::groupd::ConfiguredName;
  EXPECT_EQ(ConfiguredName("web1--incoming"), "web1");
  EXPECT_EQ(ConfiguredName("web1"), "web1");
  EXPECT_EQ(ConfiguredName("--incoming"), "--incoming"); // nothing before it
  EXPECT_EQ(ConfiguredName("web1--incoming--incoming"), "web1--incoming");
  EXPECT_EQ(ConfiguredName("web1-incoming"), "web1-incoming");
  EXPECT_EQ(ConfiguredName("web1--migratedaway"), "web1--migratedaway");

  GroupsConfig c = Parse("web1 7\ndefault 3\n");
  ExpectPlaced(c, "web1--incoming", 7, "groups.conf:1");
  ExpectPlaced(c, "web2--incoming", 3, "default");
  // A malformed entry stays alone on the receiving side too.
  GroupsConfig bad = Parse("web1 seven\ndefault 3\n");
  ExpectPlaced(bad, "web1--incoming", kAlone, "groups.conf:1");
}

TEST(GroupsConfig, AnUnusableFilePlacesEveryDomainAlone) {
  GroupsConfig nul = Parse(std::string("web1 7\n\0default 3\n", 19));
  ASSERT_EQ(nul.Errors().size(), 1u);
  EXPECT_EQ(nul.Errors()[0], "groups.conf: not a text file (a NUL byte); "
                             "every domain is placed alone");
  ExpectPlaced(nul, "web1", kAlone, "groups.conf (unusable)");
  ExpectPlaced(nul, "other", kAlone, "groups.conf (unusable)");

  GroupsConfig missing =
      satori::groupd::LoadGroupsConfig("/nonexistent/satori/groups.conf");
  ASSERT_EQ(missing.Errors().size(), 1u);
  EXPECT_EQ(missing.Errors()[0],
            "/nonexistent/satori/groups.conf: No such file or directory; "
            "every domain is placed alone");
  ExpectPlaced(missing, "web1", kAlone,
               "/nonexistent/satori/groups.conf (unusable)");
}

TEST(GroupsConfig, LoadReadsTheFileWhole) {
  char path[] = "/tmp/satori-groupd-testXXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  {
    std::ofstream f(path);
    f << "web1 7\n# a comment\ndb x\ndefault 2\n";
  }
  GroupsConfig c = satori::groupd::LoadGroupsConfig(path);
  ASSERT_EQ(c.Errors().size(), 1u);
  EXPECT_EQ(c.Errors()[0].rfind(std::string(path) + ":3: bad group", 0), 0u)
      << c.Errors()[0];
  ExpectPlaced(c, "web1", 7, std::string(path) + ":1");
  ExpectPlaced(c, "db", kAlone, std::string(path) + ":3");
  ExpectPlaced(c, "x", 2, "default");
  EXPECT_EQ(c.File(), path);
  {
    std::ofstream f(path);
    f << std::string(1 << 20, '#') << "\nweb1 7\n";
  }
  GroupsConfig big = satori::groupd::LoadGroupsConfig(path);
  ASSERT_EQ(big.Errors().size(), 1u);
  EXPECT_NE(big.Errors()[0].find("larger than 1 MiB"), std::string::npos);
  ExpectPlaced(big, "web1", kAlone, std::string(path) + " (unusable)");
  std::remove(path);
}

// The log line lab tests parse (tests/lab/scenarios/day-two.sh's sed).
TEST(GroupsConfig, PlacementLogLine) {
  using satori::groupd::DomainLabel;
  using satori::groupd::PlacedMessage;
  GroupsConfig c = Parse("g1 7\ng3 seven\n");
  EXPECT_EQ(PlacedMessage(DomainLabel(5, "g1", true), c.Place("g1")),
            "placed domain 5 (g1) in group 7 (from groups.conf:1)");
  EXPECT_EQ(PlacedMessage(DomainLabel(6, "g3", true), c.Place("g3")),
            "placed domain 6 (g3) in group alone (from groups.conf:2)");
  EXPECT_EQ(PlacedMessage(DomainLabel(7, "g1--incoming", true),
                          c.Place("g1--incoming")),
            "placed domain 7 (g1--incoming) in group 7 (from groups.conf:1)");
  EXPECT_EQ(PlacedMessage(DomainLabel(8, "dom8", false), c.Place("x")),
            "placed domain 8 in group alone (from default)");
}

bool ParseArgs(const std::vector<std::string> &args, satori::groupd::Options *o,
               std::string *why = nullptr) {
  std::string w;
  bool ok = satori::groupd::ParseOptions(args, o, &w);
  if (why)
    *why = w;
  return ok;
}

TEST(GroupdOptions, ParsesEveryOption) {
  satori::groupd::Options o;
  ASSERT_TRUE(ParseArgs({}, &o));
  EXPECT_EQ(o.config, "/etc/satori/groups.conf");
  EXPECT_FALSE(o.once || o.check || o.help || o.version);
  ASSERT_TRUE(ParseArgs({"--config", "/tmp/g.conf", "--once"}, &o));
  EXPECT_EQ(o.config, "/tmp/g.conf");
  EXPECT_TRUE(o.once);
  ASSERT_TRUE(ParseArgs({"--config=/x", "--check"}, &o));
  EXPECT_EQ(o.config, "/x");
  EXPECT_TRUE(o.check);
  ASSERT_TRUE(ParseArgs({"--help"}, &o));
  EXPECT_TRUE(o.help);
  ASSERT_TRUE(ParseArgs({"-h"}, &o));
  EXPECT_TRUE(o.help);
  ASSERT_TRUE(ParseArgs({"--version"}, &o));
  EXPECT_TRUE(o.version);
  ASSERT_TRUE(ParseArgs({"-V"}, &o));
  EXPECT_TRUE(o.version);
  // getopt_long: a unique prefix of a long name.
  ASSERT_TRUE(ParseArgs({"--conf", "/y", "--ch"}, &o));
  EXPECT_EQ(o.config, "/y");
  EXPECT_TRUE(o.check);
}

TEST(GroupdOptions, BadUsageSaysWhy) {
  struct Case {
    std::vector<std::string> args;
    const char *why;
  };
  for (const Case &k : std::vector<Case>{
           {{"--config"}, "--config wants PATH"},
           {{"--config="}, "--config wants PATH"},
           {{"--frob"}, "unknown argument --frob"},
           {{"web1"}, "unknown argument web1"},
           {{"-x"}, "unknown argument -x"},
           {{"--once=1"}, "--once takes no value"},
           {{"--once", "--check"}, "--once and --check exclude each other"},
       }) {
    satori::groupd::Options o;
    std::string why;
    EXPECT_FALSE(ParseArgs(k.args, &o, &why)) << k.why;
    EXPECT_EQ(why, k.why);
  }
}

// The help is where every option, log line and exit status is written.
TEST(GroupdOptions, HelpDocumentsOptionsLogLinesAndExitStatus) {
  std::string help = satori::groupd::HelpText();
  EXPECT_EQ(help.rfind(satori::groupd::kUsage, 0), 0u);
  for (const char *want :
       {"--config PATH", "--once", "--check", "--version", "SIGHUP",
        "NAME--incoming", "/etc/satori/groups.conf", "default",
        "placed domain ID (NAME) in group GROUP (from SOURCE)",
        "watching for new domains", "Exit status"})
    EXPECT_NE(help.find(want), std::string::npos) << want;
  EXPECT_EQ(satori::groupd::VersionText(),
            "satori-groupd " + std::string(satori::ProjectVersion()) +
                "\nSatori interface " + std::to_string(SATORI_INTERFACE_MAJOR) +
                "." + std::to_string(SATORI_INTERFACE_MINOR) + "\n");
}

} // namespace
