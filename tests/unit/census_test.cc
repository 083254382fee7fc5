// Unit tests of satori-scan's census (userspace/satori-scan/census.cc).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
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

// The kind of each page is the first that fits: zero, other fill, file,
// kernel text, kernel read-only data, other.
TEST(Census, KindsFollowTheirPrecedence) {
  using satori::PageKind;
  satori::PageCensus c;
  c.AddFileBlock(0xf1);         // a disk block...
  c.AddKernelPage(0xf1, true);  // ...that is kernel text too: file
  c.AddKernelPage(0x71, true);  // kernel text...
  c.AddKernelPage(0x71, false); // ...and read-only data: text
  c.AddKernelPage(0x72, false); // read-only data alone
  c.Add(1, 0, true, true);      // zero
  c.Add(1, 0xc2, true);         // another fill byte
  c.Add(1, 0xf1, false);        // file
  c.Add(1, 0x71, false);        // kernel text
  c.Add(1, 0x72, false);        // kernel read-only data
  c.Add(1, 0x99, false);        // other
  auto s = c.Summarize();
  const satori::KindCensuses &k = s.per_domain.at(1).kinds;
  for (PageKind kind :
       {PageKind::kZero, PageKind::kFill, PageKind::kFile,
        PageKind::kKernelText, PageKind::kKernelRodata, PageKind::kOther})
    EXPECT_EQ(k[static_cast<size_t>(kind)].pages, 1u)
        << satori::PageKindName(kind);
  EXPECT_EQ(s.pages, 6u);
  EXPECT_EQ(s.file, 1u); // the old figures are unchanged by kernel pages
  EXPECT_EQ(std::string(satori::PageKindName(PageKind::kKernelText)),
            "kernel_text");
  EXPECT_EQ(std::string(satori::PageKindName(PageKind::kKernelRodata)),
            "kernel_rodata");
}

// Fill pages are contents like any other in the kinds' figures: the zero
// pages of two domains can be one frame, as can two domains' 0xc2 pages,
// but not a 0xc2 page with a 0xc3 page.
TEST(Census, FillKindsCountSharingOfEqualFillPages) {
  using satori::PageKind;
  satori::PageCensus c;
  c.Add(1, 0, true, true);
  c.Add(1, 0, true, true);
  c.Add(2, 0, true, true);
  c.Add(1, 0xc2, true);
  c.Add(2, 0xc2, true);
  c.Add(3, 0xc3, true);
  auto s = c.Summarize();
  const satori::KindCensus &zero =
      s.kinds[static_cast<size_t>(PageKind::kZero)];
  const satori::KindCensus &fill =
      s.kinds[static_cast<size_t>(PageKind::kFill)];
  EXPECT_EQ(zero.pages, 3u);
  EXPECT_EQ(zero.shareable, 3u);
  EXPECT_EQ(zero.max_saved, 2u);
  EXPECT_EQ(fill.pages, 3u);
  EXPECT_EQ(fill.shareable, 2u); // 0xc3 is in one domain only
  EXPECT_EQ(fill.max_saved, 1u);
  EXPECT_EQ(s.shareable, 0u); // the summary's own figures leave fill out
  EXPECT_EQ(s.max_saved, 0u);
  // The frame kept is the lowest domid's: domain 1 holds 2 zero pages and
  // keeps one, domain 2 frees its one.
  EXPECT_EQ(
      s.per_domain.at(1).kinds[static_cast<size_t>(PageKind::kZero)].max_saved,
      1u);
  EXPECT_EQ(
      s.per_domain.at(2).kinds[static_cast<size_t>(PageKind::kZero)].max_saved,
      1u);
}

TEST(Census, FrameKeptIsTheLowestDomainsWhateverTheOrder) {
  using satori::PageKind;
  satori::PageCensus c;
  c.Add(3, 0xa, false);
  c.Add(3, 0xa, false);
  c.Add(1, 0xa, false);
  c.Add(2, 0xb, false); // in one domain only
  c.Add(2, 0xb, false);
  auto s = c.Summarize();
  auto other = [&](uint32_t domid) {
    return s.per_domain.at(domid).kinds[static_cast<size_t>(PageKind::kOther)];
  };
  EXPECT_EQ(other(1).max_saved, 0u);
  EXPECT_EQ(other(3).max_saved, 2u);
  EXPECT_EQ(other(2).max_saved, 0u);
  EXPECT_EQ(other(2).shareable, 0u);
  EXPECT_EQ(other(2).pages, 2u);
  EXPECT_EQ(s.kinds[static_cast<size_t>(PageKind::kOther)].max_saved,
            s.max_saved);
}

// Every page is in one kind; the non-fill kinds add up to the summary's
// shareable and max_saved, the file kind is the file figures, and the
// domains add up to the total, kind by kind.
TEST(Census, KindsAddUp) {
  using satori::PageKind;
  satori::PageCensus c;
  for (uint64_t h = 1; h <= 40; ++h) {
    if (h % 5 == 0)
      c.AddFileBlock(h);
    if (h % 3 == 0)
      c.AddKernelPage(h, h % 2 == 0);
  }
  for (uint32_t d = 1; d <= 4; ++d)
    for (uint64_t i = 0; i < 150; ++i) {
      uint64_t h = i % (10 * d) + 1;
      bool fill = i % 13 == 0;
      bool zero = fill && i % 26 == 0;
      c.Add(d, fill ? (zero ? 0 : 0xc2 + d % 2) : h, fill, zero);
    }
  auto s = c.Summarize();
  auto at = [](const satori::KindCensuses &k, PageKind kind) {
    return k[static_cast<size_t>(kind)];
  };
  uint64_t pages = 0, shareable = 0, max_saved = 0;
  for (size_t k = 0; k < satori::kPageKinds; ++k) {
    pages += s.kinds[k].pages;
    if (k != static_cast<size_t>(PageKind::kZero) &&
        k != static_cast<size_t>(PageKind::kFill)) {
      shareable += s.kinds[k].shareable;
      max_saved += s.kinds[k].max_saved;
    }
    uint64_t dp = 0, ds = 0, dm = 0;
    for (const auto &[domid, d] : s.per_domain) {
      dp += d.kinds[k].pages;
      ds += d.kinds[k].shareable;
      dm += d.kinds[k].max_saved;
    }
    EXPECT_EQ(dp, s.kinds[k].pages) << k;
    EXPECT_EQ(ds, s.kinds[k].shareable) << k;
    EXPECT_EQ(dm, s.kinds[k].max_saved) << k;
    EXPECT_LE(s.kinds[k].max_saved, s.kinds[k].shareable) << k;
  }
  EXPECT_EQ(pages, s.pages);
  EXPECT_EQ(pages, 600u);
  EXPECT_EQ(shareable, s.shareable);
  EXPECT_EQ(max_saved, s.max_saved);
  EXPECT_GT(s.max_saved, 0u);
  EXPECT_EQ(at(s.kinds, PageKind::kZero).pages, s.zero);
  EXPECT_EQ(at(s.kinds, PageKind::kFill).pages, s.fill - s.zero);
  EXPECT_EQ(at(s.kinds, PageKind::kFile).pages, s.file);
  EXPECT_EQ(at(s.kinds, PageKind::kFile).shareable, s.file_shareable);
  EXPECT_EQ(at(s.kinds, PageKind::kFile).max_saved, s.file_max_saved);
  EXPECT_GT(at(s.kinds, PageKind::kKernelText).pages, 0u);
  EXPECT_GT(at(s.kinds, PageKind::kKernelRodata).pages, 0u);
  EXPECT_GT(at(s.kinds, PageKind::kOther).pages, 0u);
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
