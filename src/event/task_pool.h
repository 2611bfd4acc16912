// event/task_pool.h — recycles task records (keepalived's `unuse` list).
//
// Records are allocated in fixed chunks that never move and are never freed while the pool
// lives; a finished record is marked free and the next add_* takes one from there. Once the pool
// has grown to the peak number of simultaneous tasks, scheduling allocates nothing. reserve(n)
// grows it up front.
//
// Which free record comes next: the lowest-numbered one (first fit, from a bitmap with a summary
// level). That keeps a small loop's records packed together, and after a burst of a million
// timers fired in random order, the next million are still handed out in address order, not in
// the order the last ones happened to end (a free list would scatter them over the whole pool:
// a cache and TLB miss per add).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "event/task.h"

namespace vigil::event::detail {

class TaskPool {
 public:
  TaskPool() = default;
  TaskPool(const TaskPool&) = delete;
  TaskPool& operator=(const TaskPool&) = delete;

  // A record in State::free (the caller sets it up).
  Task* acquire();
  // Returns a record whose callback has already been reset.
  void release(Task* t);
  void reserve(std::size_t n);

  std::size_t capacity() const { return capacity_; }
  std::size_t in_use() const { return capacity_ - free_count_; }

  // Calls f(Task&) on every record not in the pool (used by the loop's destructor).
  template <class F>
  void for_each_live(F&& f) {
    for (auto& chunk : chunks_) {
      for (std::size_t i = 0; i < kChunk; ++i) {
        if (chunk[i].state != State::free) f(chunk[i]);
      }
    }
  }

 private:
  static constexpr std::size_t kChunk = 256;  // records per chunk: 4 bitmap words
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  void grow();
  std::size_t first_free_word(std::size_t from) const;

  std::vector<std::unique_ptr<Task[]>> chunks_;
  std::vector<std::uint64_t> free_;     // bit i of word w: record w*64+i is free
  std::vector<std::uint64_t> summary_;  // bit j of word s: free_[s*64+j] != 0
  std::size_t cursor_ = 0;              // no free record lives in a word below this one
  std::size_t capacity_ = 0;
  std::size_t free_count_ = 0;
};

}  // namespace vigil::event::detail
