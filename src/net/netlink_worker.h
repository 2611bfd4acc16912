// net/netlink_worker.h — rtnetlink changes committed on a helper thread, so that the kernel's
// work for them (done inside sendmsg, in the caller's context) runs beside the event loop.
//
// Adding an address costs the kernel ~10 µs (the address list, the local route, the
// notifications); a mass takeover of 1,000 instances adds 1,000 VIPs, and on the loop thread that
// was as much time as everything else of the takeover together (each instance's advert, its
// state change, its log lines). Here the loop prepares the batch (Netlink::prepare), this
// thread sends it on its own NETLINK_ROUTE socket and reads the replies (Netlink::transmit),
// and the loop matches them (Netlink::results) when the eventfd says a batch is done.
//
//   auto w = NetlinkWorker::open();                  // own socket, thread, eventfd
//   w->submit(batch);                                // loop thread; returns at once
//   loop.add_read(w->event_fd(), ...)                // readable: batches finished
//   for (auto& r : w->take_completed()) ...          // results in submit order, one per batch
//   w->wait_all();                                   // block until every submitted batch is done
//
// Batches are handled one at a time in submit order (an add queued after a remove of the same
// address is applied after it). The thread makes only system calls and writes into the batch
// it works on; it takes no signals (the loop reads them from a signalfd).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "net/fd.h"
#include "net/netlink.h"
#include "net/result.h"

namespace vigil::net {

class NetlinkWorker {
 public:
  static Result<std::unique_ptr<NetlinkWorker>> open();
  ~NetlinkWorker();  // finishes the batch in progress, drops the rest
  NetlinkWorker(const NetlinkWorker&) = delete;
  NetlinkWorker& operator=(const NetlinkWorker&) = delete;

  // Readable when batches finished (take_completed() clears it).
  int event_fd() const { return efd_.get(); }
  NetlinkBatch batch() const { return nl_.batch(); }
  std::uint32_t portid() const { return nl_.portid(); }
  void submit(const NetlinkBatch& batch);
  // Results of the finished batches, oldest first; the rest stay in flight.
  std::vector<Result<std::vector<Status>>> take_completed();
  // Blocks until every submitted batch is finished (each chunk bounded by
  // Netlink::kReplyTimeout). Their results are then in take_completed().
  void wait_all();
  // Submitted and not yet taken by take_completed().
  std::size_t pending() const;

 private:
  NetlinkWorker(Netlink nl, Fd efd);
  void run();

  Netlink nl_;  // prepare() on the loop thread, transmit() on the worker (see Netlink)
  Fd efd_;
  mutable std::mutex mu_;
  std::condition_variable work_, done_;
  std::deque<std::unique_ptr<PreparedBatch>> batches_;  // submitted, oldest first
  std::size_t finished_ = 0;                             // batches_[0, finished_) are done
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace vigil::net
