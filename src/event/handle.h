// event/handle.h — TaskHandle: the move-only owner of one scheduled task.
//
// Every Loop::add_* returns one. Destroying (or assigning over) a handle cancels its task, so a
// task never outlives the object that scheduled it:
//
//   class Instance {
//     TaskHandle advert_timer_;   // cancelled automatically when the instance goes away
//   };
//
// A handle becomes inactive once its task is finished (a one-shot task whose callback returned,
// a cancelled task) or when the Loop is destroyed; cancel() on an inactive handle is a no-op.
// release() lets the task run to completion unowned ("fire and forget").
//
// Handles are not thread-safe (nothing in the loop is) and must be used on the loop's thread.
#pragma once

namespace vigil::event {

class Loop;
namespace detail {
struct Task;
}

class TaskHandle {
 public:
  TaskHandle() noexcept = default;
  TaskHandle(TaskHandle&& other) noexcept;
  TaskHandle& operator=(TaskHandle&& other) noexcept;
  TaskHandle(const TaskHandle&) = delete;
  TaskHandle& operator=(const TaskHandle&) = delete;
  ~TaskHandle() { cancel(); }

  // Cancels the task: it will not run (even if already queued as ready). Safe from any callback,
  // including the task's own. Closes the fd of a read/write task added with close_on_destroy.
  void cancel() noexcept;

  // Detaches the handle; the task stays scheduled and runs without an owner.
  void release() noexcept;

  bool active() const noexcept { return task_ != nullptr; }
  explicit operator bool() const noexcept { return active(); }

 private:
  friend class Loop;
  TaskHandle(Loop* loop, detail::Task* task) noexcept;
  void steal(TaskHandle& other) noexcept;

  Loop* loop_ = nullptr;
  detail::Task* task_ = nullptr;
};

}  // namespace vigil::event
