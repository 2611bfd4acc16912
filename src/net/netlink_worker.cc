#include "net/netlink_worker.h"

#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>

namespace vigil::net {

Result<std::unique_ptr<NetlinkWorker>> NetlinkWorker::open() {
  auto nl = Netlink::open();
  if (!nl) return nl.error();
  Fd efd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!efd) return errno_error("eventfd(netlink worker)");
  return std::unique_ptr<NetlinkWorker>(new NetlinkWorker(std::move(*nl), std::move(efd)));
}

NetlinkWorker::NetlinkWorker(Netlink nl, Fd efd) : nl_(std::move(nl)), efd_(std::move(efd)) {
  // No signals on this thread: the loop reads them from its signalfd, and one left unblocked
  // here would be delivered to this thread instead.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  thread_ = std::thread([this] { run(); });
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

NetlinkWorker::~NetlinkWorker() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_.notify_all();
  thread_.join();
}

void NetlinkWorker::submit(const NetlinkBatch& batch) {
  auto p = std::make_unique<PreparedBatch>(nl_.prepare(batch));
  // Room for the replies of a batch that fails in part (each refused request answers with
  // ~40-100 bytes), so the thread rarely has to grow the buffer.
  p->replies.reserve(p->chunks.size() * 4096);
  {
    std::lock_guard lock(mu_);
    batches_.push_back(std::move(p));
  }
  work_.notify_one();
}

void NetlinkWorker::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    work_.wait(lock, [this] { return stopping_ || finished_ < batches_.size(); });
    if (stopping_) return;
    PreparedBatch* p = batches_[finished_].get();  // stable: the deque holds pointers
    lock.unlock();
    nl_.transmit(*p);
    lock.lock();
    ++finished_;
    done_.notify_all();
    const std::uint64_t one = 1;
    (void)!::write(efd_.get(), &one, sizeof one);
  }
}

std::vector<Result<std::vector<Status>>> NetlinkWorker::take_completed() {
  std::uint64_t n = 0;
  (void)!::read(efd_.get(), &n, sizeof n);
  std::deque<std::unique_ptr<PreparedBatch>> done;
  {
    std::lock_guard lock(mu_);
    for (; finished_ > 0; --finished_) {
      done.push_back(std::move(batches_.front()));
      batches_.pop_front();
    }
  }
  std::vector<Result<std::vector<Status>>> out;
  out.reserve(done.size());
  for (auto& p : done) out.push_back(Netlink::results(*p));
  return out;
}

void NetlinkWorker::wait_all() {
  std::unique_lock lock(mu_);
  done_.wait(lock, [this] { return finished_ == batches_.size(); });
}

std::size_t NetlinkWorker::pending() const {
  std::lock_guard lock(mu_);
  return batches_.size();
}

}  // namespace vigil::net
