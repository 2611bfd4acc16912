// The scheduler's building blocks on their own: InplaceFunction, TimerHeap, TaskPool.
#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <vector>

#include "event/inplace_function.h"
#include "event/task_pool.h"
#include "event/timer_heap.h"

namespace vigil::event {
namespace {

TEST(EventInplaceFunctionTest, CallsAndMoves) {
  int hits = 0;
  InplaceFunction<int(int), 32> f = [&hits](int v) {
    ++hits;
    return v * 2;
  };
  EXPECT_EQ(f(21), 42);
  InplaceFunction<int(int), 32> g = std::move(f);
  EXPECT_FALSE(f);  // NOLINT(bugprone-use-after-move)
  ASSERT_TRUE(g);
  EXPECT_EQ(g(1), 2);
  EXPECT_EQ(hits, 2);
}

TEST(EventInplaceFunctionTest, AcceptsCallablesThatIgnoreTheArguments) {
  int hits = 0;
  InplaceFunction<void(int), 16> f = [&hits] { ++hits; };
  f(5);
  EXPECT_EQ(hits, 1);
}

TEST(EventInplaceFunctionTest, HoldsMoveOnlyCapturesAndDestroysThemOnce) {
  auto counter = std::make_shared<int>(0);
  {
    auto owned = std::make_unique<int>(7);
    InplaceFunction<int(), 32> f = [p = std::move(owned), counter] { return *p; };
    EXPECT_EQ(counter.use_count(), 2);
    InplaceFunction<int(), 32> g;
    g = std::move(f);
    EXPECT_EQ(g(), 7);
    EXPECT_EQ(counter.use_count(), 2);
    g.reset();
    EXPECT_EQ(counter.use_count(), 1);
  }
  EXPECT_EQ(counter.use_count(), 1);
}

TEST(EventTimerHeapTest, PopsInDeadlineThenSequenceOrder) {
  constexpr int kCount = 5000;
  std::vector<detail::Task> tasks(kCount);
  detail::TimerHeap heap;
  std::mt19937 rng(1);
  for (int i = 0; i < kCount; ++i) {
    tasks[i].deadline = static_cast<std::int64_t>(rng() % 100);  // many ties
    tasks[i].seq = static_cast<std::uint32_t>(i) - 100;  // wraps through 0: serial order holds
    heap.push(&tasks[i], tasks[i].deadline);
  }
  for (int i = 0; i < kCount; i += 2) heap.erase(&tasks[i]);
  EXPECT_EQ(heap.size(), static_cast<std::size_t>(kCount / 2));
  std::int64_t last_deadline = -1;
  std::uint32_t last_seq = 0;
  while (!heap.empty()) {
    std::int64_t when = 0;
    detail::Task* t = heap.pop(&when);
    EXPECT_EQ(when, t->deadline);
    EXPECT_FALSE(t->in_heap());
    EXPECT_EQ(t->seq % 2, 1u);  // (i - 100) is odd exactly when i is
    if (t->deadline == last_deadline) {
      EXPECT_TRUE(detail::seq_before(last_seq, t->seq));
    }
    EXPECT_GE(t->deadline, last_deadline);
    last_deadline = t->deadline;
    last_seq = t->seq;
  }
}

TEST(EventTimerHeapTest, UpdateMovesAnEntryBothWays) {
  std::vector<detail::Task> tasks(3);
  detail::TimerHeap heap;
  for (int i = 0; i < 3; ++i) {
    tasks[i].seq = static_cast<std::uint32_t>(i);
    heap.push(&tasks[i], 10 * (i + 1));
  }
  heap.update(&tasks[0], 100);
  EXPECT_EQ(heap.top(), &tasks[1]);
  EXPECT_EQ(heap.deadline_of(&tasks[0]), 100);
  heap.update(&tasks[2], 1);
  EXPECT_EQ(heap.top(), &tasks[2]);
  EXPECT_EQ(heap.top_deadline(), 1);
}

TEST(EventTaskPoolTest, RecyclesRecordsWithoutGrowing) {
  detail::TaskPool pool;
  pool.reserve(10);
  const std::size_t cap = pool.capacity();
  EXPECT_GE(cap, 10u);
  std::vector<detail::Task*> taken;
  for (int round = 0; round < 3; ++round) {
    for (std::size_t i = 0; i < cap; ++i) {
      detail::Task* t = pool.acquire();
      t->state = detail::State::pending;
      taken.push_back(t);
    }
    EXPECT_EQ(pool.in_use(), cap);
    for (auto* t : taken) pool.release(t);
    taken.clear();
  }
  EXPECT_EQ(pool.capacity(), cap);
  EXPECT_EQ(pool.in_use(), 0u);
}

TEST(EventTaskPoolTest, HandsOutTheLowestFreeRecordFirst) {
  detail::TaskPool pool;
  std::vector<detail::Task*> t;
  for (int i = 0; i < 300; ++i) {  // spans two chunks
    t.push_back(pool.acquire());
    t.back()->state = detail::State::pending;
  }
  for (int i = 1; i < 300; ++i) EXPECT_EQ(t[i]->pool_index, t[i - 1]->pool_index + 1);
  pool.release(t[270]);
  pool.release(t[5]);
  pool.release(t[64]);
  EXPECT_EQ(pool.acquire(), t[5]);
  EXPECT_EQ(pool.acquire(), t[64]);
  EXPECT_EQ(pool.acquire(), t[270]);
  EXPECT_EQ(pool.in_use(), 300u);
}

}  // namespace
}  // namespace vigil::event
