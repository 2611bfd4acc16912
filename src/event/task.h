// event/task.h — the task record (keepalived's "thread" struct) and the intrusive FIFO that holds
// records in the event queue. Internal to the loop: users only see TaskHandle.
//
// A record is one callback plus everything the loop needs to find it again: its deadline and
// place in the timer heap, its fd/pid/signal, queue links, and a back-pointer to the owning
// handle so cancellation and loop destruction can reach each other in O(1). Records never move
// and are never freed while the loop lives: finished ones go back to TaskPool (the `unuse` list).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <limits>

#include "event/clock.h"
#include "event/fired.h"

namespace vigil::event {
class TaskHandle;
}

namespace vigil::event::detail {

enum class Kind : std::uint8_t {
  read,
  write,
  timer,
  shutdown_timer,
  child,
  event,
  signal,
  terminate_start,
  terminate,
};

enum class State : std::uint8_t {
  free,     // in the pool
  pending,  // waiting: in the fd table / timer heap / child list / signal table
  queued,   // in the event or ready queue, will run at the next dispatch
  running,  // its callback is on the stack
};

inline constexpr std::uint32_t kNotInHeap = std::numeric_limits<std::uint32_t>::max();
inline constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();

// Two cache lines. The first holds what adding, retiming and cancelling touch; the second what
// firing and dispatching add. (With a million timers every record is a cache miss: adding one
// should cost one line, not three.)
struct alignas(64) Task {
  // --- line 1: add / retime / cancel
  Callback callback;                        // 40 bytes
  TaskHandle* owner = nullptr;
  std::uint32_t heap_index = kNotInHeap;    // its deadline, when in the heap, is the heap's entry
  std::uint32_t seq = 0;                    // insertion order (serial arithmetic), breaks ties
  std::uint32_t pool_index = 0;             // its number in the TaskPool
  Kind kind = Kind::event;
  State state = State::free;
  Reason reason = Reason::event;            // what the callback will be told
  bool persistent : 1 = false;              // fd task that stays registered after firing
  bool close_fd : 1 = false;                // close the fd if the task ends without running
  bool cancelled : 1 = false;               // cancelled while running (or recycled)
  // --- line 2: fire / dispatch
  Task* prev = nullptr;                     // event queue
  Task* next = nullptr;
  std::uint64_t queue_pos = 0;              // position in the ready queue while queued there
  Task* child_prev = nullptr;               // child list (pending or queued child tasks)
  Task* child_next = nullptr;
  std::int64_t deadline = kNever;           // the deadline that fired (for Fired::deadline)
  int fd = -1;                              // read/write fd, child pid, signal number, exit code
  int status = 0;                           // child: waitpid status; signal: sender pid

  bool in_heap() const { return heap_index != kNotInHeap; }
};

// a comes before b in insertion order (wrap-safe while they are < 2^31 adds apart).
inline bool seq_before(std::uint32_t a, std::uint32_t b) {
  return static_cast<std::int32_t>(a - b) < 0;
}

// Intrusive doubly linked FIFO (the event queue). O(1) push, pop and unlink.
class TaskList {
 public:
  bool empty() const { return head_ == nullptr; }
  Task* front() const { return head_; }

  void push_back(Task* t) {
    t->next = nullptr;
    t->prev = tail_;
    if (tail_ != nullptr) {
      tail_->next = t;
    } else {
      head_ = t;
    }
    tail_ = t;
  }

  Task* pop_front() {
    Task* t = head_;
    if (t != nullptr) unlink(t);
    return t;
  }

  void unlink(Task* t) {
    if (t->prev != nullptr) {
      t->prev->next = t->next;
    } else {
      head_ = t->next;
    }
    if (t->next != nullptr) {
      t->next->prev = t->prev;
    } else {
      tail_ = t->prev;
    }
    t->prev = t->next = nullptr;
  }

 private:
  Task* head_ = nullptr;
  Task* tail_ = nullptr;
};

}  // namespace vigil::event::detail
