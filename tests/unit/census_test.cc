// Unit tests of satori-scan's census (userspace/satori-scan/census.cc).
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "census.h"
#include "guest_memory.h"

namespace {

TEST(Census, EmptyHasNothing) {
  satori::CensusSummary s = satori::PageCensus().Summarize();
  EXPECT_EQ(s.domains, 0u);
  EXPECT_EQ(s.pages, 0u);
  EXPECT_EQ(s.shareable, 0u);
}

TEST(Census, ContentInOneDomainIsNotShareable) {
  satori::PageCensus c;
  c.Add(1, 0xa, false);
  c.Add(1, 0xa, false); // a duplicate inside one guest only
  c.Add(2, 0xb, false);
  auto s = c.Summarize();
  EXPECT_EQ(s.domains, 2u);
  EXPECT_EQ(s.pages, 3u);
  EXPECT_EQ(s.distinct, 2u);
  EXPECT_EQ(s.shareable, 0u);
  EXPECT_EQ(s.max_saved, 0u);
}

TEST(Census, ContentInSeveralDomainsCountsEveryCopy) {
  satori::PageCensus c;
  c.Add(1, 0xa, false);
  c.Add(2, 0xa, false);
  c.Add(3, 0xa, false);
  c.Add(3, 0xa, false);
  c.Add(3, 0xc, false);
  auto s = c.Summarize();
  EXPECT_EQ(s.shareable, 4u);
  EXPECT_EQ(s.max_saved, 3u); // four copies become one frame
  EXPECT_EQ(s.per_domain.at(1).shareable, 1u);
  EXPECT_EQ(s.per_domain.at(3).shareable, 2u);
  EXPECT_EQ(s.per_domain.at(3).pages, 3u);
}

TEST(Census, FillPagesAreApart) {
  satori::PageCensus c;
  c.Add(1, 0, true);
  c.Add(2, 0, true);
  c.Add(2, 0x5, false);
  auto s = c.Summarize();
  EXPECT_EQ(s.fill, 2u);
  EXPECT_EQ(s.pages, 3u);
  EXPECT_EQ(s.shareable, 0u);
  EXPECT_EQ(s.distinct, 1u);
  EXPECT_EQ(s.per_domain.at(1).pages, 1u);
  EXPECT_EQ(s.per_domain.at(1).fill, 1u);
  EXPECT_EQ(s.domains, 2u);
}

// Zero pages are fill pages counted again: fill includes zero, and the
// other fill pages (a debug Xen's scrub pattern) are not zero.
TEST(Census, ZeroPagesAreCountedApartFromOtherFill) {
  satori::PageCensus c;
  c.Add(1, 0, true, true); // all zeros
  c.Add(1, 0, true, true);
  c.Add(1, 0, true); // 0xc2 repeated
  c.Add(2, 0, true);
  c.Add(2, 0x5, false);
  c.Add(3, 0, true, true);
  auto s = c.Summarize();
  EXPECT_EQ(s.fill, 5u);
  EXPECT_EQ(s.zero, 3u);
  EXPECT_EQ(s.pages, 6u);
  EXPECT_EQ(s.distinct, 1u); // zero pages are no content of their own
  EXPECT_EQ(s.shareable, 0u);
  EXPECT_EQ(s.per_domain.at(1).fill, 3u);
  EXPECT_EQ(s.per_domain.at(1).zero, 2u);
  EXPECT_EQ(s.per_domain.at(2).fill, 1u);
  EXPECT_EQ(s.per_domain.at(2).zero, 0u);
  EXPECT_EQ(s.per_domain.at(3).zero, 1u);
  EXPECT_EQ(s.per_domain.at(3).pages, 1u);
}

TEST(Census, PerDomainAddsUpToTotal) {
  satori::PageCensus c;
  for (uint32_t d = 1; d <= 3; ++d)
    for (uint64_t h = 0; h < 100; ++h)
      c.Add(d, h % (10 * d) + 1, h % 17 == 0, h % 34 == 0);
  auto s = c.Summarize();
  uint64_t pages = 0, fill = 0, zero = 0, shareable = 0;
  for (const auto &[domid, d] : s.per_domain) {
    pages += d.pages;
    fill += d.fill;
    zero += d.zero;
    shareable += d.shareable;
  }
  EXPECT_EQ(pages, s.pages);
  EXPECT_EQ(fill, s.fill);
  EXPECT_EQ(zero, s.zero);
  EXPECT_EQ(s.zero, 3u * 3); // h = 0, 34, 68 in each domain
  EXPECT_EQ(s.fill, 3u * 6); // h = 0, 17, ..., 85
  EXPECT_EQ(shareable, s.shareable);
  EXPECT_EQ(s.pages, 300u);
}

TEST(Census, FilePagesAreSplitOut) {
  satori::PageCensus c;
  c.AddFileBlock(0xf);
  c.Add(1, 0xf, false); // a disk block in two guests
  c.Add(2, 0xf, false);
  c.Add(2, 0xf, false);
  c.Add(1, 0xa, false); // anonymous, shareable
  c.Add(2, 0xa, false);
  c.Add(3, 0xd, false); // not in the file set
  c.AddFileBlock(0xe);  // a disk block nobody holds
  c.Add(3, 0, true);
  auto s = c.Summarize();
  EXPECT_EQ(s.file, 3u);
  EXPECT_EQ(s.file_shareable, 3u);
  EXPECT_EQ(s.shareable, 5u);
  EXPECT_EQ(s.max_saved, 3u);      // 0xf's 3 copies in one frame, 0xa's 2
  EXPECT_EQ(s.file_max_saved, 2u); // 0xf's alone
  EXPECT_EQ(s.per_domain.at(2).file, 2u);
  EXPECT_EQ(s.per_domain.at(2).file_shareable, 2u);
  EXPECT_EQ(s.per_domain.at(3).file, 0u);
}

TEST(Census, FileBlockInOneDomainIsFileButNotShareable) {
  satori::PageCensus c;
  c.Add(1, 0xf, false);
  c.Add(2, 0xb, false);
  c.AddFileBlock(0xf); // after the pages: order does not matter
  auto s = c.Summarize();
  EXPECT_EQ(s.file, 1u);
  EXPECT_EQ(s.file_shareable, 0u);
  EXPECT_EQ(s.file_max_saved, 0u);
  EXPECT_EQ(s.per_domain.at(1).file, 1u);
}

} // namespace

namespace {

TEST(FillPage, OneRepeatedByteIsFill) {
  std::vector<unsigned char> page(satori::GuestMemory::kPageSize, 0);
  EXPECT_TRUE(satori::IsFillPage(page.data()));
  std::fill(page.begin(), page.end(), 0xc2); // a debug Xen's scrub pattern
  EXPECT_TRUE(satori::IsFillPage(page.data()));
  page.back() = 0xc3;
  EXPECT_FALSE(satori::IsFillPage(page.data()));
  page.back() = 0xc2;
  page.front() = 0;
  EXPECT_FALSE(satori::IsFillPage(page.data()));
}

} // namespace
