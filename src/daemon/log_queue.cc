#include "daemon/log_queue.h"

#include <algorithm>
#include <cstring>
#include <thread>

namespace vigil::daemon {

void LineQueue::erase_written() {
  // Called by the pushing thread with the lock held: frees what the writer is done with.
  for (; written_ > 0; --written_, --taken_) lines_.pop_front();
}

bool LineQueue::push(std::string line, const NoticeFn& notice) {
  {
    std::lock_guard lock(mu_);
    erase_written();
    const std::size_t pending = lines_.size() - written_;
    const bool full = pending >= limits_.max_lines ||
                      (pending > 0 && bytes_ + line.size() > limits_.max_bytes);
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
    erase_written();
    if (unreported_ == 0 || closed_) return;
    std::string n = notice(unreported_);
    bytes_ += n.size();
    lines_.push_back(std::move(n));
    unreported_ = 0;
  }
  ready_.notify_one();
}

std::optional<std::size_t> LineQueue::take(std::span<char> buf, bool several) {
  std::unique_lock lock(mu_);
  if (taken_ >= lines_.size() && !closed_ && !paused_ && !lingered_ && limits_.linger.count() > 0) {
    lingered_ = true;
    lock.unlock();
    std::this_thread::sleep_for(limits_.linger);  // see Limits::linger
    lock.lock();
  }
  waiting_ = true;
  parked_.notify_all();
  ready_.wait(lock, [this] { return !paused_ && (taken_ < lines_.size() || closed_); });
  waiting_ = false;
  if (taken_ >= lines_.size()) return std::nullopt;
  lingered_ = false;
  const std::string& line = lines_[taken_++];
  std::size_t n = std::min(line.size(), buf.size());
  std::memcpy(buf.data(), line.data(), n);
  while (several && taken_ < lines_.size() && lines_[taken_].size() <= buf.size() - n) {
    const std::string& next = lines_[taken_++];
    std::memcpy(buf.data() + n, next.data(), next.size());
    n += next.size();
  }
  return n;
}

void LineQueue::done() {
  {
    std::lock_guard lock(mu_);
    for (; written_ < taken_; ++written_) bytes_ -= lines_[written_].size();
    if (written_ < lines_.size()) return;
  }
  drained_.notify_all();
}

bool LineQueue::wait_drained(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return drained_.wait_for(lock, timeout, [this] { return written_ == lines_.size(); });
}

void LineQueue::close() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  ready_.notify_all();
}

bool LineQueue::pause(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  paused_ = true;
  return parked_.wait_for(lock, timeout, [this] { return waiting_; });
}

void LineQueue::resume() {
  {
    std::lock_guard lock(mu_);
    paused_ = false;
  }
  ready_.notify_all();
}

std::uint64_t LineQueue::dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

std::size_t LineQueue::size() const {
  std::lock_guard lock(mu_);
  return lines_.size() - written_;
}

}  // namespace vigil::daemon
