#include "net/netlink.h"

#include <linux/netlink.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/utsname.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <algorithm>
#include <span>

#include <fmt/format.h>

namespace vigil::net {
namespace {

constexpr std::size_t kRxBuffer = 64 * 1024;  // > one dump skb (the kernel uses up to 32 KiB)

void set_seq(std::vector<std::uint8_t>& msg, std::uint32_t seq, std::uint32_t portid) {
  nlmsghdr h;
  std::memcpy(&h, msg.data(), sizeof h);
  h.nlmsg_seq = seq;
  h.nlmsg_pid = portid;
  std::memcpy(msg.data(), &h, sizeof h);
}

Error netlink_error(int code, const std::string& ext) {
  std::string what = "netlink request";
  if (!ext.empty()) what += " (" + ext + ")";
  return make_error(code, what);
}

}  // namespace

std::size_t NetlinkBatch::add(Op op, const AddressSpec& spec) {
  requests_.push_back(build_address(op, spec, ifa_proto_));
  return requests_.size() - 1;
}

std::size_t NetlinkBatch::add(Op op, const RouteSpec& spec) {
  requests_.push_back(build_route(op, spec));
  return requests_.size() - 1;
}

std::size_t NetlinkBatch::add(Op op, const RuleSpec& spec) {
  requests_.push_back(build_rule(op, spec));
  return requests_.size() - 1;
}

std::size_t NetlinkBatch::add_raw(Result<std::vector<std::uint8_t>> request) {
  requests_.push_back(std::move(request));
  return requests_.size() - 1;
}

Netlink::Netlink(std::unique_ptr<mnl_socket, MnlSocketCloser> s, bool ifa_proto)
    : sock_(std::move(s)), portid_(mnl_socket_get_portid(sock_.get())), ifa_proto_(ifa_proto),
      rxbuf_(kRxBuffer) {
  seq_ = static_cast<std::uint32_t>(std::time(nullptr));
}

Result<Netlink> Netlink::open() {
  std::unique_ptr<mnl_socket, MnlSocketCloser> s(mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC));
  if (!s) return errno_error("socket(NETLINK_ROUTE)");
  if (mnl_socket_bind(s.get(), 0, MNL_SOCKET_AUTOPID) < 0) return errno_error("bind(NETLINK_ROUTE)");
  int one = 1;
  // Short acks (no copy of our request) and the kernel's error text; both optional.
  mnl_socket_setsockopt(s.get(), NETLINK_CAP_ACK, &one, sizeof one);
  mnl_socket_setsockopt(s.get(), NETLINK_EXT_ACK, &one, sizeof one);
  timeval tv{static_cast<time_t>(kReplyTimeout.count()), 0};
  if (::setsockopt(mnl_socket_get_fd(s.get()), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0) {
    return errno_error("setsockopt(SO_RCVTIMEO, netlink)");
  }
  Netlink nl(std::move(s), false);
  nl.ifa_proto_ = nl.probe_ifa_proto();
  return nl;
}

// Kernels that know IFA_PROTO tag their own addresses with it (::1 is "kernel_lo", IPv6
// link-locals "kernel_ll"), so one such address in a dump settles it. Without IPv6 there may be
// none; then the kernel release decides (IFA_PROTO appeared in 6.1).
bool Netlink::probe_ifa_proto() {
  if (auto addrs = dump_addresses(AF_UNSPEC)) {
    for (const auto& a : *addrs) {
      if (a.proto != 0) return true;
    }
  }
  utsname u{};
  return ::uname(&u) == 0 && kernel_supports_ifa_proto(u.release);
}

int Netlink::fd() const { return mnl_socket_get_fd(sock_.get()); }

NetlinkBatch Netlink::batch() const {
  NetlinkBatch b;
  b.set_ifa_proto(ifa_proto_);
  return b;
}

Status Netlink::send_bytes(const std::vector<std::uint8_t>& bytes) {
  if (mnl_socket_sendto(sock_.get(), bytes.data(), bytes.size()) < 0) return errno_error("sendto(netlink)");
  return {};
}

Result<ParseResult> Netlink::receive() {
  for (;;) {
    ssize_t n = mnl_socket_recvfrom(sock_.get(), rxbuf_.data(), rxbuf_.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return make_error(ETIMEDOUT, "netlink: no reply");
    }
    if (n < 0) return errno_error("recvfrom(netlink)");
    ParseResult r = parse_netlink({rxbuf_.data(), static_cast<std::size_t>(n)});
    if (r.error) return make_error(EBADMSG, "netlink reply: " + *r.error);
    return r;
  }
}

// Only the last request of a chunk asks for an ack: the kernel answers a request without
// NLM_F_ACK only when it fails, and handles a chunk's requests in order, so when the last one's
// ack is read every error of the chunk has been read before it. A mass takeover's 1,000 VIP
// adds thus cost one reply datagram per chunk instead of one per address.
PreparedBatch Netlink::prepare(const NetlinkBatch& batch) {
  PreparedBatch p;
  p.out.resize(batch.requests_.size());
  p.first_seq = seq_ + 1;
  std::size_t i = 0;
  while (i < batch.requests_.size()) {
    // One chunk: up to kMaxPerSend valid requests, concatenated.
    const std::size_t chunk_start = p.wire.size();
    std::size_t last_offset = 0, in_chunk = 0;
    for (; i < batch.requests_.size() && in_chunk < kMaxPerSend; ++i) {
      const auto& req = batch.requests_[i];
      if (!req) {
        p.out[i] = req.error();
        continue;
      }
      last_offset = p.wire.size();
      p.wire.insert(p.wire.end(), req->begin(), req->end());
      nlmsghdr h;
      std::memcpy(&h, p.wire.data() + last_offset, sizeof h);
      h.nlmsg_seq = ++seq_;
      h.nlmsg_pid = portid_;
      h.nlmsg_flags &= static_cast<std::uint16_t>(~NLM_F_ACK);
      std::memcpy(p.wire.data() + last_offset, &h, sizeof h);
      p.index_of.push_back(i);
      ++in_chunk;
    }
    if (in_chunk == 0) continue;
    nlmsghdr h;
    std::memcpy(&h, p.wire.data() + last_offset, sizeof h);
    h.nlmsg_flags |= NLM_F_ACK;
    std::memcpy(p.wire.data() + last_offset, &h, sizeof h);
    p.chunks.push_back({chunk_start, p.wire.size() - chunk_start, seq_});
  }
  return p;
}

namespace {

// Whether `bytes` (one reply datagram) holds the ack or error of request `seq`.
bool holds_reply_to(std::span<const std::uint8_t> bytes, std::uint32_t seq) {
  while (bytes.size() >= sizeof(nlmsghdr)) {
    nlmsghdr h;
    std::memcpy(&h, bytes.data(), sizeof h);
    if (h.nlmsg_len < sizeof h || h.nlmsg_len > bytes.size()) return false;  // results() reports it
    if (h.nlmsg_type == NLMSG_ERROR && h.nlmsg_seq == seq) return true;
    bytes = bytes.subspan(std::min<std::size_t>(NLMSG_ALIGN(h.nlmsg_len), bytes.size()));
  }
  return false;
}

}  // namespace

void Netlink::transmit(PreparedBatch& p) {
  const int s = fd();
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  for (const auto& c : p.chunks) {
    if (::sendto(s, p.wire.data() + c.offset, c.size, 0, reinterpret_cast<const sockaddr*>(&kernel),
                 sizeof kernel) < 0) {
      p.failure = errno;
      p.failed_call = "sendto(netlink)";
      return;
    }
    for (bool acked = false; !acked;) {
      const ssize_t n = ::recv(s, rxbuf_.data(), rxbuf_.size(), 0);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        p.failure = (errno == EAGAIN || errno == EWOULDBLOCK) ? ETIMEDOUT : errno;
        p.failed_call = p.failure == ETIMEDOUT ? "netlink: no reply" : "recvfrom(netlink)";
        return;
      }
      const std::span<const std::uint8_t> got(rxbuf_.data(), static_cast<std::size_t>(n));
      p.replies.insert(p.replies.end(), got.begin(), got.end());
      p.replies.resize(NLMSG_ALIGN(p.replies.size()));  // datagrams concatenate as one stream
      acked = holds_reply_to(got, c.last_seq);
    }
  }
}

Result<std::vector<Status>> Netlink::results(PreparedBatch& p) {
  if (p.failure != 0) return make_error(p.failure, p.failed_call);
  ParseResult r = parse_netlink(p.replies);
  if (r.error) return make_error(EBADMSG, "netlink reply: " + *r.error);
  for (const auto& m : r.messages) {
    const auto* ack = std::get_if<AckMessage>(&m);
    if (ack == nullptr) continue;
    const std::uint32_t k = ack->seq - p.first_seq;
    if (k >= p.index_of.size()) continue;  // a stale reply to an earlier, timed-out request
    if (ack->error != 0) p.out[p.index_of[k]] = netlink_error(ack->error, ack->ext_message);
  }
  return std::move(p.out);
}

Result<std::vector<Status>> Netlink::commit(const NetlinkBatch& batch) {
  PreparedBatch p = prepare(batch);
  transmit(p);
  return results(p);
}

Status Netlink::execute(Result<std::vector<std::uint8_t>> request) {
  NetlinkBatch b;
  b.add_raw(std::move(request));
  auto r = commit(b);
  if (!r) return r.error();
  return (*r)[0];
}

// A dump that raced with a change is flagged NLM_F_DUMP_INTR by the kernel: do it again (a few
// times; under a storm of changes the last, possibly inconsistent, answer is still returned).
Result<std::vector<NetlinkMessage>> Netlink::dump(const std::vector<std::uint8_t>& request) {
  constexpr int kAttempts = 4;
  for (int i = 1;; ++i) {
    bool interrupted = false;
    auto r = dump_once(request, interrupted);
    if (!r || !interrupted || i == kAttempts) return r;
  }
}

Result<std::vector<NetlinkMessage>> Netlink::dump_once(std::vector<std::uint8_t> request, bool& interrupted) {
  std::uint32_t seq = ++seq_;
  set_seq(request, seq, portid_);
  if (auto st = send_bytes(request); !st) return st.error();
  std::vector<NetlinkMessage> out;
  nlmsghdr h;
  std::memcpy(&h, request.data(), sizeof h);
  bool dumping = (h.nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
  for (;;) {
    auto r = receive();
    if (!r) return r.error();
    interrupted = interrupted || r->dump_interrupted;
    for (std::size_t m = 0; m < r->messages.size(); ++m) {
      if (r->seqs[m] != seq) continue;  // not ours (a late reply to an earlier request)
      auto& msg = r->messages[m];
      if (auto* done = std::get_if<DoneMessage>(&msg)) {
        if (done->error != 0) return make_error(done->error, "netlink dump");
        return out;
      }
      if (auto* ack = std::get_if<AckMessage>(&msg)) {
        if (ack->error != 0) return netlink_error(ack->error, ack->ext_message);
        return out;
      }
      out.push_back(std::move(msg));
      if (!dumping) return out;  // a single GET answers with exactly one message
    }
  }
}

Result<std::vector<LinkEvent>> Netlink::dump_links() {
  auto r = dump(build_get_link(0, ""));
  if (!r) return r.error();
  std::vector<LinkEvent> links;
  for (auto& m : *r) {
    if (auto* l = std::get_if<LinkEvent>(&m)) links.push_back(std::move(*l));
  }
  return links;
}

Result<std::vector<AddressEvent>> Netlink::dump_addresses(int family) {
  auto r = dump(build_get_addresses(family));
  if (!r) return r.error();
  std::vector<AddressEvent> addrs;
  for (auto& m : *r) {
    if (auto* a = std::get_if<AddressEvent>(&m)) addrs.push_back(std::move(*a));
  }
  return addrs;
}

Result<std::vector<RouteEvent>> Netlink::dump_routes(int family) {
  auto r = dump(build_get_routes(family));
  if (!r) return r.error();
  std::vector<RouteEvent> out;
  for (auto& m : *r) {
    if (auto* e = std::get_if<RouteEvent>(&m)) out.push_back(std::move(*e));
  }
  return out;
}

Result<std::vector<RuleEvent>> Netlink::dump_rules(int family) {
  auto r = dump(build_get_rules(family));
  if (!r) return r.error();
  std::vector<RuleEvent> out;
  for (auto& m : *r) {
    if (auto* e = std::get_if<RuleEvent>(&m)) out.push_back(std::move(*e));
  }
  return out;
}

Result<LinkEvent> Netlink::get_link(int ifindex) {
  if (ifindex <= 0) return make_error(ENODEV, fmt::format("no interface with index {}", ifindex));
  auto r = dump(build_get_link(ifindex, ""));
  if (!r) return Error{r.error().code, fmt::format("interface index {}: {}", ifindex, r.error().message)};
  for (auto& m : *r) {
    if (auto* l = std::get_if<LinkEvent>(&m)) return std::move(*l);
  }
  return make_error(ENODEV, fmt::format("interface index {}", ifindex));
}

Result<LinkEvent> Netlink::get_link(const std::string& name) {
  if (name.empty() || name.size() >= 16) return make_error(ENODEV, "bad interface name '" + name + "'");
  auto r = dump(build_get_link(0, name));
  if (!r) return Error{r.error().code, "interface " + name + ": " + r.error().message};
  for (auto& m : *r) {
    if (auto* l = std::get_if<LinkEvent>(&m)) return std::move(*l);
  }
  return make_error(ENODEV, "interface " + name);
}

}  // namespace vigil::net
