// event/task.h — the task record (keepalived's "thread" struct) and the intrusive FIFO that holds
// records in the event and ready queues. Internal to the loop: users only see TaskHandle.
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

struct Task {
  Task* prev = nullptr;  // event/ready queue or free list
  Task* next = nullptr;
  Callback callback;
  std::int64_t deadline = kNever;  // steady_clock ns; kNever = no deadline
  std::uint64_t seq = 0;           // insertion order, breaks deadline ties
  TaskHandle* owner = nullptr;
  Task* child_prev = nullptr;      // child list (pending or queued child tasks)
  Task* child_next = nullptr;
  std::uint32_t heap_index = kNotInHeap;
  int fd = -1;                     // read/write fd, child pid, signal number, or exit code
  int status = 0;                  // child: waitpid status; signal: sender pid
  Kind kind = Kind::event;
  State state = State::free;
  Reason reason = Reason::event;   // what the callback will be told
  bool persistent = false;         // fd task that stays registered after firing
  bool close_fd = false;           // close the fd if the task ends without running
  bool cancelled = false;          // cancelled while running

  bool in_heap() const { return heap_index != kNotInHeap; }
};

// Intrusive doubly linked FIFO (event queue, ready queue). O(1) push, pop and unlink.
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
