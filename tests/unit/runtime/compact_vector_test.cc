// CompactVector (runtime/compact_vector.h): the one-pointer list RtInstance keeps its VIPs,
// peers, routes and flags in. It must behave like the std::vector it replaced for what the
// engine does with it: push, index, iterate, view as a span, move without moving elements.
#include "runtime/compact_vector.h"

#include <gtest/gtest.h>

#include <memory>
#include <span>
#include <string>

namespace vigil::runtime {
namespace {

TEST(CompactVector, IsOnePointerAndEmptyAllocatesNothing) {
  static_assert(sizeof(CompactVector<std::string>) == sizeof(void*));
  CompactVector<std::string> v;
  EXPECT_TRUE(v.empty());
  EXPECT_EQ(v.size(), 0u);
  EXPECT_EQ(v.capacity(), 0u);
  EXPECT_EQ(v.data(), nullptr);
  EXPECT_EQ(v.begin(), v.end());
}

TEST(CompactVector, PushIndexIterateKeepOrder) {
  CompactVector<std::string> v;
  for (int i = 0; i < 9; ++i) v.push_back("a long string that is not stored inline " + std::to_string(i));
  ASSERT_EQ(v.size(), 9u);
  EXPECT_GE(v.capacity(), 9u);
  for (std::size_t i = 0; i < v.size(); ++i) EXPECT_EQ(v[i], "a long string that is not stored inline " + std::to_string(i));
  std::size_t n = 0;
  for (const auto& s : v) EXPECT_EQ(s, v[n++]);
  EXPECT_EQ(n, 9u);
  EXPECT_EQ(v.front(), v[0]);
  EXPECT_EQ(v.back(), v[8]);
}

TEST(CompactVector, FirstPushTakesExactlyOne) {
  CompactVector<int> v;
  v.push_back(7);
  EXPECT_EQ(v.capacity(), 1u);  // the builder's one-VIP instance holds no slack
}

TEST(CompactVector, MoveKeepsElementsInPlaceForSpans) {
  CompactVector<int> a;
  for (int i = 0; i < 5; ++i) a.push_back(i);
  const std::span<const int> view = a;
  CompactVector<int> b = std::move(a);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty, as documented
  EXPECT_EQ(view.data(), b.data());
  EXPECT_EQ(view.size(), 5u);
  EXPECT_EQ(view[4], 4);
  CompactVector<int> c;
  c.push_back(99);
  c = std::move(b);
  EXPECT_EQ(c.data(), view.data());
  EXPECT_EQ(c.size(), 5u);
}

TEST(CompactVector, CopyAndCompare) {
  CompactVector<std::string> a;
  a.push_back("x");
  a.push_back("y");
  CompactVector<std::string> b = a;
  EXPECT_EQ(a, b);
  EXPECT_NE(a.data(), b.data());
  b.push_back("z");
  EXPECT_FALSE(a == b);
  a = b;
  EXPECT_EQ(a, b);
}

TEST(CompactVector, ClearDestroysAndFrees) {
  auto tracked = std::make_shared<int>(1);
  CompactVector<std::shared_ptr<int>> v;
  v.push_back(tracked);
  v.push_back(tracked);
  EXPECT_EQ(tracked.use_count(), 3);
  v.clear();
  EXPECT_EQ(tracked.use_count(), 1);
  EXPECT_TRUE(v.empty());
  EXPECT_EQ(v.capacity(), 0u);
  v.push_back(tracked);
  { CompactVector<std::shared_ptr<int>> gone = std::move(v); }
  EXPECT_EQ(tracked.use_count(), 1);
}

TEST(CompactVector, BoolFlagsAsVectorBoolWas) {
  CompactVector<bool> flags;
  flags.push_back(true);
  flags.push_back(false);
  EXPECT_TRUE(flags[0]);
  EXPECT_FALSE(flags[1]);
}

}  // namespace
}  // namespace vigil::runtime
