// event/task_pool.cc — see task_pool.h.
#include "event/task_pool.h"

#include <bit>

namespace vigil::event::detail {

void TaskPool::grow() {
  auto chunk = std::make_unique<Task[]>(kChunk);
  const std::size_t first = capacity_;
  for (std::size_t i = 0; i < kChunk; ++i) chunk[i].pool_index = static_cast<std::uint32_t>(first + i);
  chunks_.push_back(std::move(chunk));
  capacity_ += kChunk;
  free_count_ += kChunk;
  for (std::size_t w = first / 64; w < capacity_ / 64; ++w) {
    free_.push_back(~std::uint64_t{0});
    if (w / 64 >= summary_.size()) summary_.push_back(0);
    summary_[w / 64] |= std::uint64_t{1} << (w % 64);
  }
}

std::size_t TaskPool::first_free_word(std::size_t from) const {
  std::size_t s = from / 64;
  if (s >= summary_.size()) return kNone;
  std::uint64_t bits = summary_[s] & (~std::uint64_t{0} << (from % 64));
  while (bits == 0) {
    if (++s == summary_.size()) return kNone;
    bits = summary_[s];
  }
  return s * 64 + static_cast<std::size_t>(std::countr_zero(bits));
}

Task* TaskPool::acquire() {
  std::size_t w = first_free_word(cursor_);
  if (w == kNone) {
    grow();
    w = first_free_word(cursor_);
  }
  const auto bit = static_cast<std::size_t>(std::countr_zero(free_[w]));
  free_[w] &= free_[w] - 1;  // clear the lowest set bit
  if (free_[w] == 0) summary_[w / 64] &= ~(std::uint64_t{1} << (w % 64));
  cursor_ = w;
  --free_count_;
  const std::size_t index = w * 64 + bit;
  Task* t = &chunks_[index / kChunk][index % kChunk];
  // The next few adds most likely take the records right after this one.
  if (index % kChunk + 4 < kChunk) __builtin_prefetch(t + 4, 1);
  return t;
}

void TaskPool::release(Task* t) {
  t->state = State::free;
  const std::size_t index = t->pool_index;
  const std::size_t w = index / 64;
  free_[w] |= std::uint64_t{1} << (index % 64);
  summary_[w / 64] |= std::uint64_t{1} << (w % 64);
  if (w < cursor_) cursor_ = w;
  ++free_count_;
}

void TaskPool::reserve(std::size_t n) {
  const std::size_t chunks = (n + kChunk - 1) / kChunk;
  if (chunks_.capacity() < chunks) chunks_.reserve(chunks);
  if (free_.capacity() < chunks * kChunk / 64) free_.reserve(chunks * kChunk / 64);
  while (capacity_ < n) grow();
}

}  // namespace vigil::event::detail
