// bench_net_drain: ns per packet to drain a queue of VRRP adverts — vigil's net::RecvBatch
// (recvmmsg, 32 per call, metadata decoded into vrrp::RxMeta) beside the reference, a bare
// recvmsg loop that reads the same control messages (IP_PKTINFO, IP_TTL) — measured in the same
// invocation, runs interleaved, medians of `runs`, printed as a ratio.
//
//   bench_net_drain [packets per run = 2000] [runs = 9]
//
// Traffic stays on loopback inside a namespace made here (vigil-bench-drain-<pid>, removed at exit
// by that name). Needs root and `ip`.
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "net/fd.h"
#include "net/recv_batch.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kProtoVrrp = 112;
// Every queued packet is on loopback by the time sendto() returns; a drain still short after this
// long lost packets (receive buffer overrun) and would otherwise wait forever.
constexpr auto kGiveUp = std::chrono::seconds{5};

// Errors unwind to main(), so the namespace is always removed.
[[noreturn]] void die(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

// The namespace this bench runs in, removed by its name when the bench ends.
class Namespace {
 public:
  Namespace() : name_("vigil-bench-drain-" + std::to_string(::getpid())) {
    if (std::system(("ip netns add " + name_).c_str()) != 0) {
      throw std::runtime_error("ip netns add " + name_ + " failed");
    }
  }
  ~Namespace() {
    if (std::system(("ip netns del " + name_).c_str()) != 0) {
      std::fprintf(stderr, "could not remove namespace %s\n", name_.c_str());
    }
  }
  Namespace(const Namespace&) = delete;
  Namespace& operator=(const Namespace&) = delete;

  // Moves this process into the namespace, with its loopback up.
  void enter() const {
    if (std::system(("ip -n " + name_ + " link set lo up").c_str()) != 0) die("ip link set lo up");
    vigil::net::Fd ns(::open(("/run/netns/" + name_).c_str(), O_RDONLY | O_CLOEXEC));
    if (!ns || ::setns(ns.get(), CLONE_NEWNET) != 0) die("setns " + name_);
  }

 private:
  std::string name_;
};

sockaddr_in loopback(std::uint32_t host = INADDR_LOOPBACK) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(host);
  return a;
}

// Bound to `host`: a raw socket only receives packets for its bound address, so the sender
// (127.0.0.2) does not get a copy of every advert it sends to the receiver (127.0.0.1).
vigil::net::Fd raw_socket(std::uint32_t host) {
  vigil::net::Fd fd(::socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, kProtoVrrp));
  if (!fd) die("socket(AF_INET, SOCK_RAW, 112)");
  const sockaddr_in a = loopback(host);
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) die("bind");
  return fd;
}

vigil::net::Fd receiver() {
  vigil::net::Fd fd = raw_socket(INADDR_LOOPBACK);
  const int on = 1, buf = 64 << 20;
  ::setsockopt(fd.get(), IPPROTO_IP, IP_PKTINFO, &on, sizeof on);
  ::setsockopt(fd.get(), IPPROTO_IP, IP_RECVTTL, &on, sizeof on);
  if (::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof buf) != 0) {
    die("SO_RCVBUFFORCE");
  }
  return fd;
}

// Queues `n` 20-byte VRRPv3 adverts (the kernel adds the IP header).
void fill(int tx, int n) {
  std::array<std::uint8_t, 20> msg{0x31, 51, 100, 1, 0x00, 100, 0, 0, 10, 0, 0, 1};
  const sockaddr_in to = loopback(INADDR_LOOPBACK);
  for (int i = 0; i < n; ++i) {
    if (::sendto(tx, msg.data(), msg.size(), 0, reinterpret_cast<const sockaddr*>(&to),
                 sizeof to) != static_cast<ssize_t>(msg.size())) {
      die("sendto");
    }
  }
}

double vigil_drain(int rx, int n, vigil::net::RecvBatch& batch) {
  int got = 0, ttl_sum = 0;
  const auto t0 = Clock::now();
  while (got < n) {
    auto r = batch.drain(rx, vigil::vrrp::Family::inet, static_cast<std::size_t>(n - got),
                         [&](const vigil::net::RecvPacket& p) { ttl_sum += p.meta.ttl; });
    if (!r) throw std::runtime_error(r.error().str());
    got += static_cast<int>(r->packets);
    if (r->packets == 0 && Clock::now() > t0 + kGiveUp) die("packets lost");
  }
  const auto ns = std::chrono::duration<double, std::nano>(Clock::now() - t0).count();
  if (ttl_sum != 255 * n) std::fprintf(stderr, "vigil: unexpected TTLs\n");
  return ns / n;
}

double bare_drain(int rx, int n) {
  std::array<std::uint8_t, 2048> data;
  alignas(cmsghdr) std::array<std::uint8_t, 128> control;
  sockaddr_storage name;
  int got = 0, ttl_sum = 0;
  const auto t0 = Clock::now();
  while (got < n) {
    iovec iov{data.data(), data.size()};
    msghdr h{};
    h.msg_name = &name;
    h.msg_namelen = sizeof name;
    h.msg_iov = &iov;
    h.msg_iovlen = 1;
    h.msg_control = control.data();
    h.msg_controllen = control.size();
    if (::recvmsg(rx, &h, MSG_DONTWAIT) < 0) {  // EAGAIN: still in flight
      if (Clock::now() > t0 + kGiveUp) die("packets lost");
      continue;
    }
    for (cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(&h, c)) {
      if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) {
        int ttl = 0;
        std::copy_n(CMSG_DATA(c), sizeof ttl, reinterpret_cast<std::uint8_t*>(&ttl));
        ttl_sum += ttl;
      }
    }
    ++got;
  }
  const auto ns = std::chrono::duration<double, std::nano>(Clock::now() - t0).count();
  if (ttl_sum != 255 * n) std::fprintf(stderr, "bare: unexpected TTLs\n");
  return ns / n;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void run(int n, int runs) {
  vigil::net::Fd tx = raw_socket(INADDR_LOOPBACK + 1);
  const int ttl = 255;  // RFC 5798 §5.1.1.3, checked by both drains
  if (::setsockopt(tx.get(), IPPROTO_IP, IP_TTL, &ttl, sizeof ttl) != 0) die("IP_TTL");
  vigil::net::Fd rx = receiver();
  vigil::net::RecvBatch batch;
  std::vector<double> vigil_ns, bare_ns;
  for (int i = 0; i < runs; ++i) {  // interleaved, the reference first on odd runs
    for (int k = 0; k < 2; ++k) {
      fill(tx.get(), n);
      if ((k == 0) == (i % 2 == 0)) {
        vigil_ns.push_back(vigil_drain(rx.get(), n, batch));
      } else {
        bare_ns.push_back(bare_drain(rx.get(), n));
      }
    }
  }
  const double v = median(vigil_ns), b = median(bare_ns);
  std::printf("drain %d VRRP adverts (raw socket, loopback), median of %d runs\n", n, runs);
  std::printf("  %-34s %8.1f ns/packet\n", "vigil net::RecvBatch (recvmmsg x32)", v);
  std::printf("  %-34s %8.1f ns/packet\n", "reference: bare recvmsg loop", b);
  std::printf("  ratio vigil/reference: %.2f\n", v / b);
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::max(1, std::atoi(argv[1])) : 2000;
  const int runs = argc > 2 ? std::max(7, std::atoi(argv[2])) : 9;
  if (::geteuid() != 0) {
    std::fprintf(stderr, "bench_net_drain: needs root (network namespace, raw sockets)\n");
    return 1;
  }
  try {
    Namespace ns;
    ns.enter();
    run(n, runs);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_net_drain: %s\n", e.what());
    return 1;
  }
  return 0;
}
