// Unit tests of lib/satori_zero.h: which pages are all zeros.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

extern "C" {
#include "satori_zero.h"
}

namespace {

TEST(ZeroPage, AllZerosIsZero) {
  std::vector<uint64_t> page(SATORI_ZERO_PAGE_SIZE / 8, 0);
  EXPECT_TRUE(satori_page_is_zero(page.data()));
}

TEST(ZeroPage, AnyOneBitAnywhereIsNot) {
  std::vector<uint64_t> page(SATORI_ZERO_PAGE_SIZE / 8, 0);
  auto *bytes = reinterpret_cast<unsigned char *>(page.data());
  for (size_t i = 0; i < SATORI_ZERO_PAGE_SIZE; i += 509) {
    bytes[i] = 0x80;
    EXPECT_FALSE(satori_page_is_zero(page.data())) << "byte " << i;
    bytes[i] = 0;
  }
  bytes[SATORI_ZERO_PAGE_SIZE - 1] = 1; // the last byte too
  EXPECT_FALSE(satori_page_is_zero(page.data()));
}

} // namespace
