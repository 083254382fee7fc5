// Unit tests of the registration batch (lib/satori_batch.c) on the host.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>

extern "C" {
#include "satori_batch.h"
}

namespace {

class BatchTest : public ::testing::Test {
protected:
  static constexpr uint32_t kCapacity = 8;

  void SetUp() override {
    satori_batch_init(&batch_, storage_.data(), kCapacity);
  }

  std::array<satori_entry, kCapacity> storage_{};
  satori_batch batch_{};
};

TEST_F(BatchTest, StartsEmpty) {
  EXPECT_EQ(batch_.count, 0u);
  EXPECT_FALSE(satori_batch_full(&batch_));
}

TEST_F(BatchTest, AddAppendsInOrder) {
  EXPECT_EQ(satori_batch_add(&batch_, 100, 0xaa), SATORI_BATCH_ADDED);
  EXPECT_EQ(satori_batch_add(&batch_, 101, 0xbb), SATORI_BATCH_ADDED);
  ASSERT_EQ(batch_.count, 2u);
  EXPECT_EQ(batch_.entries[0].gfn, 100u);
  EXPECT_EQ(batch_.entries[0].hash, 0xaau);
  EXPECT_EQ(batch_.entries[1].gfn, 101u);
  EXPECT_EQ(batch_.entries[1].hash, 0xbbu);
}

TEST_F(BatchTest, SameGfnKeepsNewestHash) {
  satori_batch_add(&batch_, 5, 1);
  satori_batch_add(&batch_, 6, 2);
  EXPECT_EQ(satori_batch_add(&batch_, 5, 3), SATORI_BATCH_REPLACED);
  ASSERT_EQ(batch_.count, 2u);
  EXPECT_EQ(batch_.entries[0].hash, 3u);
  EXPECT_EQ(batch_.entries[1].hash, 2u);
}

TEST_F(BatchTest, FullBatchRefusesNewGfnAndStaysUnchanged) {
  for (uint64_t gfn = 0; gfn < kCapacity; ++gfn)
    ASSERT_EQ(satori_batch_add(&batch_, gfn, gfn * 10), SATORI_BATCH_ADDED);
  ASSERT_TRUE(satori_batch_full(&batch_));
  auto before = storage_;
  EXPECT_EQ(satori_batch_add(&batch_, 1000, 1), SATORI_BATCH_FULL);
  EXPECT_EQ(batch_.count, kCapacity);
  for (uint32_t i = 0; i < kCapacity; ++i) {
    EXPECT_EQ(storage_[i].gfn, before[i].gfn);
    EXPECT_EQ(storage_[i].hash, before[i].hash);
  }
  EXPECT_EQ(satori_batch_add(&batch_, 3, 77), SATORI_BATCH_REPLACED);
  EXPECT_EQ(storage_[3].hash, 77u);
}

TEST_F(BatchTest, ResetEmpties) {
  satori_batch_add(&batch_, 1, 1);
  satori_batch_reset(&batch_);
  EXPECT_EQ(batch_.count, 0u);
  EXPECT_EQ(satori_batch_add(&batch_, 1, 2), SATORI_BATCH_ADDED);
}

TEST_F(BatchTest, InvalidGfnIsRejected) {
  satori_batch_add(&batch_, 1, 1);
  EXPECT_EQ(satori_batch_add(&batch_, SATORI_GFN_INVALID, 9),
            SATORI_BATCH_INVALID);
  EXPECT_EQ(batch_.count, 1u);
  EXPECT_FALSE(satori_batch_remove(&batch_, SATORI_GFN_INVALID));
}

TEST_F(BatchTest, RemoveDropsOnlyThatGfn) {
  for (uint64_t gfn = 1; gfn <= 5; ++gfn)
    satori_batch_add(&batch_, gfn, gfn + 100);
  EXPECT_TRUE(satori_batch_remove(&batch_, 2));
  EXPECT_FALSE(satori_batch_remove(&batch_, 2));
  ASSERT_EQ(batch_.count, 4u);
  uint64_t seen = 0;
  for (uint32_t i = 0; i < batch_.count; ++i) {
    EXPECT_NE(batch_.entries[i].gfn, 2u);
    EXPECT_EQ(batch_.entries[i].hash, batch_.entries[i].gfn + 100);
    seen |= 1ull << batch_.entries[i].gfn;
  }
  EXPECT_EQ(seen, (1ull << 1) | (1ull << 3) | (1ull << 4) | (1ull << 5));
}

TEST_F(BatchTest, RemoveThenAddReusesTheSlot) {
  for (uint64_t gfn = 0; gfn < kCapacity; ++gfn)
    satori_batch_add(&batch_, gfn, 0);
  EXPECT_TRUE(satori_batch_remove(&batch_, 0));
  EXPECT_EQ(satori_batch_add(&batch_, 42, 1), SATORI_BATCH_ADDED);
  EXPECT_TRUE(satori_batch_full(&batch_));
}

} // namespace
