// event/ready_queue.h — the ready queue: tasks due to run, in order, as a ring of pointers.
//
// Expiring a thousand timers at once queues a thousand records scattered over the pool; a ring
// of pointers lets dispatch prefetch a few records ahead (libev's pending array does the same),
// where a list threaded through the records would take a cache miss per task, one after the
// other. Cancelling a queued task blanks its slot (the task remembers its position). The ring
// doubles when full and never shrinks, so in steady state queueing allocates nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "event/task.h"

namespace vigil::event::detail {

class ReadyQueue {
 public:
  ReadyQueue() : ring_(64, nullptr), mask_(63) {}

  bool empty() { return front() == nullptr; }

  void push_back(Task* t) {
    if (tail_ - head_ == ring_.size()) grow();
    ring_[tail_ & mask_] = t;
    t->queue_pos = tail_++;
  }

  // The first live task (skipping cancelled slots), or nullptr.
  Task* front() {
    while (head_ != tail_) {
      if (Task* t = ring_[head_ & mask_]) return t;
      ++head_;
    }
    return nullptr;
  }

  Task* pop_front() {
    Task* t = front();
    if (t != nullptr) ring_[head_++ & mask_] = nullptr;
    return t;
  }

  void unlink(Task* t) { ring_[t->queue_pos & mask_] = nullptr; }

  // Starts loading the record `ahead` places down the queue.
  void prefetch(std::size_t ahead) const {
    if (tail_ - head_ > ahead) {
      if (const Task* t = ring_[(head_ + ahead) & mask_]) {
        __builtin_prefetch(t);
        __builtin_prefetch(reinterpret_cast<const char*>(t) + 64);
      }
    }
  }

  void reserve(std::size_t n) {
    while (ring_.size() < n) grow();
  }

 private:
  void grow() {
    std::vector<Task*> bigger(ring_.size() * 2, nullptr);
    const std::uint64_t new_mask = bigger.size() - 1;
    for (std::uint64_t i = head_; i != tail_; ++i) bigger[i & new_mask] = ring_[i & mask_];
    ring_.swap(bigger);
    mask_ = new_mask;
  }

  std::vector<Task*> ring_;
  std::uint64_t mask_;
  std::uint64_t head_ = 0;  // absolute positions; slot = position & mask_
  std::uint64_t tail_ = 0;
};

}  // namespace vigil::event::detail
