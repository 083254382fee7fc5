// Unit tests of the dom0 library's parts that need no Xen
// (userspace/libsatori-dom0: cli.cc, groups.cc).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "cli.h"
#include "groups.h"

extern "C" {
#include "satori.h"
}

namespace {

TEST(SatoriDom0, ParseU64TakesDigitsOnly) {
  uint64_t v = 42;
  EXPECT_TRUE(satori::ParseU64("0", &v));
  EXPECT_EQ(v, 0u);
  EXPECT_TRUE(satori::ParseU64("007", &v));
  EXPECT_EQ(v, 7u);
  EXPECT_TRUE(satori::ParseU64("18446744073709551615", &v));
  EXPECT_EQ(v, UINT64_MAX);
  for (const char *bad : {"", "-1", "+1", " 1", "1 ", "1x", "0x10", "1.0",
                          "18446744073709551616", "99999999999999999999"}) {
    v = 42;
    EXPECT_FALSE(satori::ParseU64(bad, &v)) << bad;
    EXPECT_EQ(v, 42u) << bad;
  }
}

TEST(SatoriDom0, ParseU64KeepsToItsRange) {
  uint64_t v = 42;
  EXPECT_FALSE(satori::ParseU64("0", &v, 1));
  EXPECT_TRUE(satori::ParseU64("1", &v, 1, 65536));
  EXPECT_EQ(v, 1u);
  EXPECT_TRUE(satori::ParseU64("65536", &v, 1, 65536));
  EXPECT_EQ(v, 65536u);
  v = 42;
  EXPECT_FALSE(satori::ParseU64("65537", &v, 1, 65536));
  EXPECT_EQ(v, 42u);
}

TEST(SatoriDom0, ParseDoubleWantsAWholeFiniteNumber) {
  double d = 42;
  EXPECT_TRUE(satori::ParseDouble("0.5", &d));
  EXPECT_EQ(d, 0.5);
  EXPECT_TRUE(satori::ParseDouble("3600", &d));
  EXPECT_EQ(d, 3600);
  for (const char *bad :
       {"", "x", "1x", "1.0.0", "nan", "inf", "-inf", "1e999"}) {
    d = 42;
    EXPECT_FALSE(satori::ParseDouble(bad, &d)) << bad;
    EXPECT_EQ(d, 42) << bad;
  }
}

TEST(SatoriDom0, UsageSaysWhyThenHow) {
  EXPECT_EQ(satori::UsageMessage("satori-x", "bad thing", "usage: satori-x\n"),
            "satori-x: bad thing\nusage: satori-x\n");
  EXPECT_EQ(satori::kBadArguments, 2);
}

TEST(SatoriDom0, GroupNamesParseAndPrint) {
  uint32_t g = 1;
  EXPECT_TRUE(satori::ParseGroup("alone", &g));
  EXPECT_EQ(g, SATORI_GROUP_ALONE);
  EXPECT_TRUE(satori::ParseGroup("0", &g));
  EXPECT_EQ(g, 0u);
  EXPECT_TRUE(satori::ParseGroup("007", &g));
  EXPECT_EQ(g, 7u);
  EXPECT_TRUE(satori::ParseGroup("2147483647", &g));
  EXPECT_EQ(g, SATORI_GROUP_MAX);
  for (const char *bad :
       {"", "-1", "+1", "2147483648", "4294967295", "99999999999999999999", "x",
        "7x", " 7", "Alone", "0x10", "pending", "4294967294"}) {
    g = 42;
    EXPECT_FALSE(satori::ParseGroup(bad, &g)) << bad;
    EXPECT_EQ(g, 42u) << bad;
  }
  EXPECT_EQ(satori::GroupName(SATORI_GROUP_ALONE), "alone");
  EXPECT_EQ(satori::GroupName(0), "0");
  EXPECT_EQ(satori::GroupName(SATORI_GROUP_MAX), "2147483647");
  // Not placed yet (interface 1.8): printed, never parsed as a group.
  EXPECT_EQ(satori::GroupName(SATORI_GROUP_PENDING), "pending");
}

// The version every tool prints comes from CMakeLists.txt's project().
TEST(SatoriDom0, VersionTextIsToolAndProjectVersion) {
  std::string v = satori::ProjectVersion();
  EXPECT_FALSE(v.empty());
  EXPECT_EQ(v.find_first_not_of("0123456789."), std::string::npos) << v;
  EXPECT_EQ(satori::VersionText("satori-top"), "satori-top " + v + "\n");
}

// OptionParser: getopt_long's results, with its errors reported to the
// tool instead of printed.
TEST(SatoriDom0, OptionParserReadsShortLongAndValues) {
  const std::vector<option> longs = {{"delay", required_argument, nullptr, 'd'},
                                     {"json", no_argument, nullptr, 256}};
  satori::OptionParser p({"-bd", "2", "--delay=3", "--js", "x", "-d4"},
                         "bd:", longs);
  ASSERT_EQ(p.Next(), satori::OptionParser::kOption);
  EXPECT_EQ(p.code(), 'b');
  EXPECT_EQ(p.typed(), "-b");
  ASSERT_EQ(p.Next(), satori::OptionParser::kOption);
  EXPECT_EQ(p.typed(), "-d");
  EXPECT_EQ(p.value(), "2");
  ASSERT_EQ(p.Next(), satori::OptionParser::kOption);
  EXPECT_EQ(p.typed(), "--delay");
  EXPECT_EQ(p.value(), "3");
  ASSERT_EQ(p.Next(), satori::OptionParser::kOption); // a unique prefix
  EXPECT_EQ(p.code(), 256);
  EXPECT_EQ(p.typed(), "--json");
  ASSERT_EQ(p.Next(), satori::OptionParser::kOption); // x is moved last
  EXPECT_EQ(p.value(), "4");
  ASSERT_EQ(p.Next(), satori::OptionParser::kEnd);
  EXPECT_EQ(p.Rest(), std::vector<std::string>{"x"});
}

TEST(SatoriDom0, OptionParserReportsErrors) {
  const std::vector<option> longs = {{"delay", required_argument, nullptr, 'd'},
                                     {"json", no_argument, nullptr, 256}};
  struct Case {
    std::vector<std::string> args;
    satori::OptionParser::Result result;
    const char *typed;
  };
  for (const Case &k : std::vector<Case>{
           {{"-x"}, satori::OptionParser::kUnknown, "-x"},
           {{"--frob"}, satori::OptionParser::kUnknown, "--frob"},
           {{"--frob=1"}, satori::OptionParser::kUnknown, "--frob"},
           {{"-d"}, satori::OptionParser::kMissingValue, "-d"},
           {{"--delay"}, satori::OptionParser::kMissingValue, "--delay"},
           {{"--json=1"}, satori::OptionParser::kUnwantedValue, "--json"},
       }) {
    satori::OptionParser p(k.args, "d:", longs);
    EXPECT_EQ(p.Next(), k.result) << k.args[0];
    EXPECT_EQ(p.typed(), k.typed) << k.args[0];
  }
}

// '-' returns operands in order; Peek and Skip take an argument away
// from getopt_long (satori-ctl's "-1"), also before the first Next.
TEST(SatoriDom0, OptionParserInOrderWithPeekAndSkip) {
  const std::vector<option> longs = {{"json", no_argument, nullptr, 256}};
  satori::OptionParser p({"-1", "a", "--json", "b", "--", "-c"}, "-", longs);
  EXPECT_EQ(p.Peek(), "-1");
  p.Skip();
  ASSERT_EQ(p.Next(), satori::OptionParser::kOperand);
  EXPECT_EQ(p.value(), "a");
  ASSERT_EQ(p.Next(), satori::OptionParser::kOption);
  EXPECT_EQ(p.code(), 256);
  ASSERT_EQ(p.Next(), satori::OptionParser::kOperand);
  EXPECT_EQ(p.value(), "b");
  ASSERT_EQ(p.Next(), satori::OptionParser::kEnd);
  EXPECT_EQ(p.Rest(), std::vector<std::string>{"-c"});
  // A second parser starts over, in its own mode.
  satori::OptionParser q({"a", "-j"}, "j", {});
  ASSERT_EQ(q.Next(), satori::OptionParser::kOption);
  EXPECT_EQ(q.code(), 'j');
  ASSERT_EQ(q.Next(), satori::OptionParser::kEnd);
  EXPECT_EQ(q.Rest(), std::vector<std::string>{"a"});
}

} // namespace
