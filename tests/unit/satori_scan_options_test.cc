// Unit tests of satori-scan's command line (userspace/satori-scan/
// scan_options.cc): no Xen needed.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "scan_options.h"

namespace {

using satori::scan::Options;

bool Parse(const std::vector<std::string> &args, Options *o,
           std::string *why = nullptr) {
  std::string w;
  bool ok = satori::scan::ParseOptions(args, o, &w);
  if (why)
    *why = w;
  return ok;
}

TEST(SatoriScanOptions, DefaultsAndValues) {
  Options o;
  ASSERT_TRUE(Parse({}, &o));
  EXPECT_EQ(o.rate, 0u); // as fast as it can
  EXPECT_TRUE(o.disks.empty());
  EXPECT_TRUE(o.kernels.empty()); // no kernel census
  EXPECT_TRUE(o.domids.empty());  // every guest
  // The lab's spellings: --rate N, --disk PATH (repeated), DOMIDs.
  ASSERT_TRUE(Parse(
      {"--rate", "5000", "--disk", "/a.img", "3", "--disk", "/b.img", "4"},
      &o));
  EXPECT_EQ(o.rate, 5000u);
  EXPECT_EQ(o.disks, (std::vector<std::string>{"/a.img", "/b.img"}));
  EXPECT_EQ(o.domids, (std::vector<uint32_t>{3, 4}));
  // getopt_long's: --rate=N, and DOMIDs after "--".
  ASSERT_TRUE(Parse({"--rate=7", "--", "5"}, &o));
  EXPECT_EQ(o.rate, 7u);
  EXPECT_EQ(o.domids, std::vector<uint32_t>{5});
  // --kernel PATH, repeatable, in order, among the rest.
  ASSERT_TRUE(
      Parse({"--kernel", "/k1", "--disk", "/a.img", "3", "--kernel=/k2"}, &o));
  EXPECT_EQ(o.kernels, (std::vector<std::string>{"/k1", "/k2"}));
  EXPECT_EQ(o.disks, std::vector<std::string>{"/a.img"});
  EXPECT_EQ(o.domids, std::vector<uint32_t>{3});
}

TEST(SatoriScanOptions, HelpAndVersionWin) {
  Options o;
  ASSERT_TRUE(Parse({"3", "--help", "--bogus"}, &o));
  EXPECT_TRUE(o.help);
  ASSERT_TRUE(Parse({"-h"}, &o));
  EXPECT_TRUE(o.help);
  ASSERT_TRUE(Parse({"--version"}, &o));
  EXPECT_TRUE(o.version);
  ASSERT_TRUE(Parse({"-V"}, &o));
  EXPECT_TRUE(o.version);
}

TEST(SatoriScanOptions, BadUsageSaysWhy) {
  struct Case {
    std::vector<std::string> args;
    const char *why;
  };
  for (const Case &k : std::vector<Case>{
           {{"--rate"}, "--rate wants a value"},
           {{"--disk"}, "--disk wants a value"},
           {{"--kernel"}, "--kernel wants a value"},
           {{"--rate", "0"}, "bad rate '0'"},
           {{"--rate", "x"}, "bad rate 'x'"},
           {{"0"}, "'0' is not a guest domain id"},
           {{"32752"}, "'32752' is not a guest domain id"},
           {{"g1"}, "'g1' is not a guest domain id"},
           {{"-1"}, "'-1' is not a guest domain id"},
           {{"--frob"}, "'--frob' is not a guest domain id"},
           {{"--", "x"}, "'x' is not a guest domain id"},
           {{"--help=1"}, "--help takes no value"},
       }) {
    Options o;
    std::string why;
    EXPECT_FALSE(Parse(k.args, &o, &why)) << k.why;
    EXPECT_EQ(why.rfind(k.why, 0), 0u) << why << " vs " << k.why;
  }
}

} // namespace
