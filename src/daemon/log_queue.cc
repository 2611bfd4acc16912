#include "daemon/log_queue.h"

namespace vigil::daemon {

bool LineQueue::push(std::string line, const NoticeFn& notice) {
  {
    std::lock_guard lock(mu_);
    const bool full = lines_.size() >= limits_.max_lines ||
                      (!lines_.empty() && bytes_ + line.size() > limits_.max_bytes);
    if (closed_ || full) {
      ++dropped_;
      ++unreported_;
      return false;
    }
    if (unreported_ > 0) {
      // The notice may take the queue one line over its limit: it is what the limit is for.
      std::string n = notice(unreported_);
      bytes_ += n.size();
      lines_.push_back(std::move(n));
      unreported_ = 0;
    }
    bytes_ += line.size();
    lines_.push_back(std::move(line));
  }
  ready_.notify_one();
  return true;
}

void LineQueue::push_pending_notice(const NoticeFn& notice) {
  {
    std::lock_guard lock(mu_);
    if (unreported_ == 0 || closed_) return;
    std::string n = notice(unreported_);
    bytes_ += n.size();
    lines_.push_back(std::move(n));
    unreported_ = 0;
  }
  ready_.notify_one();
}

std::optional<std::string> LineQueue::pop() {
  std::unique_lock lock(mu_);
  ready_.wait(lock, [this] { return !lines_.empty() || closed_; });
  if (lines_.empty()) return std::nullopt;
  std::string line = std::move(lines_.front());
  lines_.pop_front();
  bytes_ -= line.size();
  ++in_flight_;
  return line;
}

void LineQueue::done() {
  {
    std::lock_guard lock(mu_);
    if (in_flight_ > 0) --in_flight_;
    if (!lines_.empty() || in_flight_ > 0) return;
  }
  drained_.notify_all();
}

bool LineQueue::wait_drained(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return drained_.wait_for(lock, timeout, [this] { return lines_.empty() && in_flight_ == 0; });
}

void LineQueue::close() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  ready_.notify_all();
}

std::uint64_t LineQueue::dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

std::size_t LineQueue::size() const {
  std::lock_guard lock(mu_);
  return lines_.size();
}

}  // namespace vigil::daemon
