// event/task_pool.cc — see task_pool.h.
#include "event/task_pool.h"

namespace vigil::event::detail {

void TaskPool::grow() {
  auto chunk = std::make_unique<Task[]>(kChunk);
  // Thread the new records onto the free list in address order.
  for (std::size_t i = kChunk; i-- > 0;) {
    chunk[i].next = free_;
    free_ = &chunk[i];
  }
  chunks_.push_back(std::move(chunk));
  capacity_ += kChunk;
  free_count_ += kChunk;
}

Task* TaskPool::acquire() {
  if (free_ == nullptr) grow();
  Task* t = free_;
  free_ = t->next;
  --free_count_;
  t->next = nullptr;
  return t;
}

void TaskPool::release(Task* t) {
  t->state = State::free;
  t->prev = nullptr;
  t->next = free_;
  free_ = t;
  ++free_count_;
}

void TaskPool::reserve(std::size_t n) {
  if (chunks_.capacity() < (n + kChunk - 1) / kChunk) chunks_.reserve((n + kChunk - 1) / kChunk);
  while (capacity_ < n) grow();
}

}  // namespace vigil::event::detail
