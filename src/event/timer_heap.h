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

  // Inserts t (t->seq already set) due at `when`.
  void push(Task* t, std::int64_t when);
  // Removes t (which must be in the heap).
  void erase(Task* t);
  // Moves t (in the heap) to `when`; the caller has just given it a new seq.
  void update(Task* t, std::int64_t when);
  // Removes the earliest entry; its deadline goes to *when.
  Task* pop(std::int64_t* when);
  std::int64_t deadline_of(const Task* t) const { return entries_[t->heap_index].when; }
  // Grows the array and touches it, so the first burst of timers does not page-fault.
  void reserve(std::size_t n) {
    if (n <= entries_.capacity()) return;
    const std::size_t used = entries_.size();
    entries_.resize(n);
    entries_.resize(used);
  }

 private:
  struct Entry {
    std::int64_t when;
    Task* task;
  };
  static bool before(const Entry& a, const Entry& b) {
    return a.when < b.when || (a.when == b.when && seq_before(a.task->seq, b.task->seq));
  }
  std::size_t smallest_child(std::size_t i, std::size_t n) const;
  void restore(std::size_t i);
  void sift_up(std::size_t i);
  void sift_down(std::size_t i);
  void place(std::size_t i, const Entry& e) {
    entries_[i] = e;
    e.task->heap_index = static_cast<std::uint32_t>(i);
  }

  std::vector<Entry> entries_;
};

}  // namespace vigil::event::detail
