// event/task_pool.h — recycles task records (keepalived's `unuse` list).
//
// Records are allocated in fixed chunks that never move; a finished record goes back on the free
// list and the next add_* takes it from there. Once the pool has grown to the peak number of
// simultaneous tasks, scheduling allocates nothing. reserve(n) grows it up front.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "event/task.h"

namespace vigil::event::detail {

class TaskPool {
 public:
  TaskPool() = default;
  TaskPool(const TaskPool&) = delete;
  TaskPool& operator=(const TaskPool&) = delete;

  // A clean record in State::free (the caller sets it up).
  Task* acquire();
  // Returns a record whose callback has already been reset.
  void release(Task* t);
  void reserve(std::size_t n);

  std::size_t capacity() const { return capacity_; }
  std::size_t in_use() const { return capacity_ - free_.size(); }

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
  static constexpr std::size_t kChunk = 256;
  void grow();

  std::vector<std::unique_ptr<Task[]>> chunks_;
  // Free records as a stack of pointers (LIFO: the record freed last, still in cache, is reused
  // first). An array rather than a list threaded through the records, so taking one does not
  // first have to load the record itself: with a million records that is a cache miss per add.
  // Its capacity always equals the pool's, so push_back never allocates.
  std::vector<Task*> free_;
  std::size_t capacity_ = 0;
};

}  // namespace vigil::event::detail
