// event/task_pool.cc — see task_pool.h.
#include "event/task_pool.h"

#include <algorithm>

namespace vigil::event::detail {

void TaskPool::grow() {
  auto chunk = std::make_unique<Task[]>(kChunk);
  capacity_ += kChunk;
  if (free_.capacity() < capacity_) free_.reserve(std::max(capacity_, 2 * free_.capacity()));
  // Pushed in reverse so that a fresh pool hands records out in address order.
  for (std::size_t i = kChunk; i-- > 0;) free_.push_back(&chunk[i]);
  chunks_.push_back(std::move(chunk));
}

Task* TaskPool::acquire() {
  if (free_.empty()) grow();
  Task* t = free_.back();
  free_.pop_back();
  // Freed records come back in whatever order tasks ended; warm the one a few adds ahead.
  if (free_.size() > 4) __builtin_prefetch(free_[free_.size() - 5], 1);
  return t;
}

void TaskPool::release(Task* t) {
  t->state = State::free;
  free_.push_back(t);
}

void TaskPool::reserve(std::size_t n) {
  if (chunks_.capacity() < (n + kChunk - 1) / kChunk) chunks_.reserve((n + kChunk - 1) / kChunk);
  if (free_.capacity() < n) free_.reserve(n);
  while (capacity_ < n) grow();
}

}  // namespace vigil::event::detail
