// net/netlink.h — a NETLINK_ROUTE command socket: batched changes and dumps.
//
//   auto nl = Netlink::open();                       // one per daemon (or per test namespace)
//   NetlinkBatch batch;
//   auto vip = batch.add(Op::add, AddressSpec{...}); // index of this request in the batch
//   batch.add(Op::add, RouteSpec{...});
//   auto results = nl->commit(batch);                // one Status per request, in order
//   if (!(*results)[vip]) log((*results)[vip].error().str());  // e.g. EEXIST, with the kernel's text
//
// Why libmnl: it is a thin layer over the socket and the TLV layout (no allocation, no caching,
// no hidden threads), so we decide how requests are batched and how acks are matched. The
// reply parser is ours (netlink_message.h) so it can be fuzzed on plain bytes.
//
// Batching: requests go out many per sendmsg(), each with its own sequence number; the kernel
// handles them in order. Only the last of a chunk carries NLM_F_ACK: the kernel reports the
// others only when they fail, so one reply datagram confirms a whole chunk of successes, and
// errors are matched back to their requests by sequence number — one bad request reports its
// own errno (and the kernel's extended-ack message) while the others succeed. Chunks are bounded
// so the replies always fit the socket buffer.
//
// The socket is blocking with a receive timeout (kReplyTimeout): rtnetlink answers synchronously,
// and a missing reply is reported as ETIMEDOUT instead of hanging the daemon.
#pragma once

#include <libmnl/libmnl.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "net/netlink_message.h"
#include "net/netlink_request.h"
#include "net/result.h"

namespace vigil::net {

// Requests to send together. Building a request can fail (bad spec): that request's Status in
// commit() is the build error and it is not sent.
class NetlinkBatch {
 public:
  std::size_t add(Op op, const AddressSpec& spec);
  std::size_t add(Op op, const RouteSpec& spec);
  std::size_t add(Op op, const RuleSpec& spec);
  // A raw request from build_*() (e.g. build_macvlan).
  std::size_t add_raw(Result<std::vector<std::uint8_t>> request);
  std::size_t size() const { return requests_.size(); }
  bool empty() const { return requests_.empty(); }
  void clear() { requests_.clear(); }

  // Set by Netlink::open() from the kernel probe; defaults to sending IFA_PROTO.
  void set_ifa_proto(bool on) { ifa_proto_ = on; }

 private:
  friend class Netlink;
  std::vector<Result<std::vector<std::uint8_t>>> requests_;
  bool ifa_proto_ = true;
};

// A batch in wire form (Netlink::prepare): chunks of at most Netlink::kMaxPerSend requests with
// their sequence numbers, only each chunk's last request asking for an ack; then the replies
// transmit() read, and one Status per request once results() matched them.
struct PreparedBatch {
  struct Chunk {
    std::size_t offset = 0, size = 0;  // in `wire`
    std::uint32_t last_seq = 0;
  };
  std::vector<std::uint8_t> wire;
  std::vector<Chunk> chunks;
  std::uint32_t first_seq = 0;
  std::vector<std::size_t> index_of;  // (seq - first_seq) -> request index
  std::vector<Status> out;            // per request; build errors are set by prepare()
  std::vector<std::uint8_t> replies;  // every reply datagram, concatenated
  int failure = 0;                    // errno of a failed send/receive: the batch failed as a whole
  const char* failed_call = "";
};

struct MnlSocketCloser {
  void operator()(mnl_socket* s) const { mnl_socket_close(s); }
};

class Netlink {
 public:
  static constexpr std::chrono::seconds kReplyTimeout{5};
  static constexpr std::size_t kMaxPerSend = 128;  // requests per sendmsg (acks: ~36 B each)

  static Result<Netlink> open();

  // A batch that carries this kernel's IFA_PROTO support.
  NetlinkBatch batch() const;
  // Sends every request; the outer Result fails only if the socket itself failed.
  Result<std::vector<Status>> commit(const NetlinkBatch& batch);
  // One request, one Status.
  Status execute(Result<std::vector<std::uint8_t>> request);
  // commit() in three steps, so that the system calls can run on another thread
  // (net/netlink_worker.h): prepare() numbers the requests (uses this socket's sequence
  // counter: one thread at a time), transmit() sends and reads the replies (system calls and
  // writes into `p` only; uses this socket's receive buffer: one thread at a time), results()
  // matches the replies to the requests (any thread).
  PreparedBatch prepare(const NetlinkBatch& batch);
  void transmit(PreparedBatch& p);
  static Result<std::vector<Status>> results(PreparedBatch& p);

  Result<std::vector<LinkEvent>> dump_links();
  Result<std::vector<AddressEvent>> dump_addresses(int family);  // AF_UNSPEC for both
  Result<std::vector<RouteEvent>> dump_routes(int family);       // every table
  Result<std::vector<RuleEvent>> dump_rules(int family);
  Result<LinkEvent> get_link(int ifindex);
  Result<LinkEvent> get_link(const std::string& name);

  bool ifa_proto_supported() const { return ifa_proto_; }
  std::uint32_t portid() const { return portid_; }
  int fd() const;

 private:
  Netlink(std::unique_ptr<mnl_socket, MnlSocketCloser> s, bool ifa_proto);
  Result<std::vector<NetlinkMessage>> dump(const std::vector<std::uint8_t>& request);
  Result<std::vector<NetlinkMessage>> dump_once(std::vector<std::uint8_t> request, bool& interrupted);
  Status send_bytes(const std::vector<std::uint8_t>& bytes);
  bool probe_ifa_proto();
  Result<ParseResult> receive();

  std::unique_ptr<mnl_socket, MnlSocketCloser> sock_;
  std::uint32_t portid_ = 0;
  std::uint32_t seq_ = 0;
  bool ifa_proto_ = false;
  std::vector<std::uint8_t> rxbuf_;
};

}  // namespace vigil::net
