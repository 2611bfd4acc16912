// event/timer_heap.h — every deadline the loop watches, in one intrusive 4-ary min-heap.
//
// Timers, shutdown timers, read/write timeouts and child timeouts all live here, ordered by
// (deadline, seq): equal deadlines come out in the order they were added (or last retimed).
// Each entry caches its deadline next to the task pointer, and the task stores its own index,
// so erase and retime are O(log n) with no search and no allocation (the array only grows to the
// peak number of simultaneous deadlines).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "event/task.h"

namespace vigil::event::detail {

class TimerHeap {
 public:
  bool empty() const { return entries_.empty(); }
  std::size_t size() const { return entries_.size(); }
  Task* top() const { return entries_.front().task; }
  std::int64_t top_deadline() const { return entries_.empty() ? kNever : entries_.front().when; }

  // Inserts t with t->deadline / t->seq already set.
  void push(Task* t);
  // Removes t (which must be in the heap).
  void erase(Task* t);
  // Moves t (in the heap) to t->deadline / t->seq, which the caller has just changed.
  void update(Task* t);
  Task* pop();
  void reserve(std::size_t n) { entries_.reserve(n); }

 private:
  struct Entry {
    std::int64_t when;
    Task* task;
  };
  static bool before(const Entry& a, const Entry& b) {
    return a.when < b.when || (a.when == b.when && a.task->seq < b.task->seq);
  }
  void sift_up(std::size_t i);
  void sift_down(std::size_t i);
  void place(std::size_t i, const Entry& e) {
    entries_[i] = e;
    e.task->heap_index = static_cast<std::uint32_t>(i);
  }

  std::vector<Entry> entries_;
};

}  // namespace vigil::event::detail
