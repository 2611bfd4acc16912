// event/handle.cc — see handle.h. The task record points back at its handle (Task::owner), so a
// move only rewrites that pointer, and the loop can deactivate the handle when the task ends.
#include "event/handle.h"

#include "event/loop.h"

namespace vigil::event {

TaskHandle::TaskHandle(Loop* loop, detail::Task* task) noexcept : loop_(loop), task_(task) {
  task_->owner = this;
}

TaskHandle::TaskHandle(TaskHandle&& other) noexcept { steal(other); }

TaskHandle& TaskHandle::operator=(TaskHandle&& other) noexcept {
  if (this != &other) {
    cancel();
    steal(other);
  }
  return *this;
}

void TaskHandle::steal(TaskHandle& other) noexcept {
  loop_ = other.loop_;
  task_ = other.task_;
  other.task_ = nullptr;
  if (task_ != nullptr) task_->owner = this;
}

void TaskHandle::cancel() noexcept {
  if (task_ == nullptr) return;
  detail::Task* t = task_;
  task_ = nullptr;
  t->owner = nullptr;
  loop_->cancel(t);
}

void TaskHandle::release() noexcept {
  if (task_ == nullptr) return;
  task_->owner = nullptr;
  task_ = nullptr;
}

}  // namespace vigil::event
