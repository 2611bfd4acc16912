// tests/netns/scale/wire_capture.cc — WireCapture (scale_lab.h): every VRRP advert crossing
// the lab's bridges, with kernel timestamps, and the gaps and spans measured from them.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <stdexcept>

#include "scale_lab.h"

namespace vigil::testing::scale {

std::int64_t realtime_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

WireCapture::WireCapture(const ScaleLab& lab) {
  NetnsScope in(lab.bridge_ns());
  // One socket bound to each bridge port (port k of router a/b = its eth<k>): a bound packet
  // socket taps only that device, so the capture adds little to the senders' softirq work.
  for (int k = 0; k < lab.ifaces(); ++k) {
    for (const char* role : {"a", "b"}) {
      const std::string port = k == 0 ? (role[0] == 'a' ? "p1" : "p2") : fmt::format("{}{}", role, k);
      int fd = ::socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
      if (fd < 0) throw std::runtime_error("WireCapture: socket: " + std::string(std::strerror(errno)));
      fds_.push_back(fd);
      port_if_.push_back(k);
      int on = 1, big = 16 << 20;
      ::setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
      ::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);
      // Only VRRP over IPv4, cut to 128 bytes: the filter runs before the tap clones the frame,
      // so the GARP bursts and everything else cost the senders' softirq almost nothing.
      static sock_filter vrrp_only[] = {
          {0x28, 0, 0, 12},      // ldh [12]         ethertype
          {0x15, 0, 3, 0x0800},  // jeq #IPv4        else drop
          {0x30, 0, 0, 23},      // ldb [23]         IP protocol
          {0x15, 0, 1, 112},     // jeq #112 (VRRP)  else drop
          {0x06, 0, 0, 128},     // ret #128
          {0x06, 0, 0, 0},       // ret #0
      };
      sock_fprog prog{static_cast<unsigned short>(std::size(vrrp_only)), vrrp_only};
      ::setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog);
      sockaddr_ll sll{};
      sll.sll_family = AF_PACKET;
      sll.sll_protocol = htons(ETH_P_ALL);
      sll.sll_ifindex = static_cast<int>(::if_nametoindex(port.c_str()));
      if (sll.sll_ifindex == 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&sll), sizeof sll) != 0) {
        throw std::runtime_error("WireCapture: bind to " + port + ": " + std::strerror(errno));
      }
    }
  }
  thread_ = std::thread([this] { run(); });
}

WireCapture::~WireCapture() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  for (int fd : fds_) ::close(fd);
}

void WireCapture::run() {
  constexpr int kBatch = 64;
  Buffers bufs(kBatch);
  Buffers ctl(kBatch);
  std::vector<sockaddr_ll> from(kBatch);
  std::vector<iovec> iov(kBatch);
  std::vector<mmsghdr> msgs(kBatch);
  std::vector<Advert> local;
  std::vector<pollfd> pfds;
  for (int fd : fds_) pfds.push_back(pollfd{fd, POLLIN, 0});
  while (!stop_) {
    // Read every 10 ms, not on every frame: the timestamps are the kernel's, and a thread woken
    // 10,000 times a second would compete with the daemons it measures (16 MB buffers hold it).
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    const std::int64_t reading = realtime_ns();
    if (::poll(pfds.data(), pfds.size(), 0) <= 0) {
      read_until_ = reading;
      continue;
    }
    for (std::size_t s = 0; s < pfds.size(); ++s) {
      if ((pfds[s].revents & POLLIN) == 0) continue;
      read_port(fds_[s], static_cast<std::uint16_t>(port_if_[s]), bufs, ctl, from, iov, msgs, local);
    }
    std::lock_guard lock(mu_);
    seen_.insert(seen_.end(), local.begin(), local.end());
    local.clear();
    read_until_ = reading;
  }
}

// The capture reads every 10 ms: a question about frames up to now waits for the next read.
void WireCapture::catch_up() const {
  const std::int64_t now = realtime_ns();
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
  while (read_until_.load() < now && std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void WireCapture::read_port(int fd, std::uint16_t iface, Buffers& bufs, Buffers& ctl, std::vector<sockaddr_ll>& from,
                            std::vector<iovec>& iov, std::vector<mmsghdr>& msgs, std::vector<Advert>& local) {
  constexpr int kBatch = 64;
  for (;;) {
    for (int i = 0; i < kBatch; ++i) {
      iov[i] = {bufs[i].data(), bufs[i].size()};
      msgs[i] = {};
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_name = &from[i];
      msgs[i].msg_hdr.msg_namelen = sizeof(sockaddr_ll);
      msgs[i].msg_hdr.msg_control = ctl[i].data();
      msgs[i].msg_hdr.msg_controllen = ctl[i].size();
    }
    int n = ::recvmmsg(fd, msgs.data(), kBatch, MSG_DONTWAIT, nullptr);
    if (n <= 0) return;
    for (int i = 0; i < n; ++i) {
      if (from[i].sll_pkttype == PACKET_OUTGOING) continue;
      const std::uint8_t* b = bufs[i].data();
      std::size_t len = std::min<std::size_t>(msgs[i].msg_len, bufs[i].size());
      std::int64_t t = 0;
      for (cmsghdr* c = CMSG_FIRSTHDR(&msgs[i].msg_hdr); c != nullptr; c = CMSG_NXTHDR(&msgs[i].msg_hdr, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMPNS) {
          timespec ts;
          std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
          t = static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
        }
      }
      std::size_t off = 12;
      if (len < 14) continue;
      std::uint16_t et = static_cast<std::uint16_t>(b[off] << 8 | b[off + 1]);
      off += 2;
      if (et != 0x0800 || len < off + 20) continue;
      const std::uint8_t* ip = b + off;
      if (ip[9] != 112) continue;
      std::size_t ihl = (ip[0] & 0x0f) * 4u;
      if (len < off + ihl + 4) continue;
      const std::uint8_t* vr = ip + ihl;
      std::uint32_t src = static_cast<std::uint32_t>(ip[12]) << 24 | ip[13] << 16 | ip[14] << 8 | ip[15];
      local.push_back(Advert{t, iface, vr[1], vr[2], src});
    }
    if (n < kBatch) return;
  }
}

std::size_t WireCapture::dropped() const {
  for (int fd : fds_) {
    tpacket_stats st{};
    socklen_t len = sizeof st;
    if (::getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0) drops_ += st.tp_drops;
  }
  return drops_;
}

WireCapture::Span WireCapture::priority_zero_after(std::int64_t t0) const {
  catch_up();
  Span s;
  std::lock_guard lock(mu_);
  for (const auto& a : seen_) {
    if (a.t_ns < t0 || a.priority != 0) continue;
    if (s.count == 0 || a.t_ns < s.first_ns) s.first_ns = a.t_ns;
    if (s.count == 0 || a.t_ns > s.last_ns) s.last_ns = a.t_ns;
    ++s.count;
  }
  return s;
}

WireCapture::Span WireCapture::first_with_priority_after(std::uint8_t priority, std::int64_t t0) const {
  catch_up();
  Span s;
  std::set<std::pair<std::uint16_t, std::uint8_t>> keys;
  std::lock_guard lock(mu_);
  for (const auto& a : seen_) {
    if (a.t_ns < t0 || a.priority != priority || !keys.insert({a.iface, a.vrid}).second) continue;
    if (s.count == 0 || a.t_ns < s.first_ns) s.first_ns = a.t_ns;
    if (s.count == 0 || a.t_ns > s.last_ns) s.last_ns = a.t_ns;
    ++s.count;
  }
  return s;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  std::size_t i = static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

GapStats WireCapture::gaps(std::int64_t t0, std::int64_t t1) const {
  catch_up();
  std::map<std::uint32_t, std::vector<std::int64_t>> by_key;
  {
    std::lock_guard lock(mu_);
    for (const auto& a : seen_) {
      if (a.t_ns < t0 || a.t_ns > t1 || a.priority == 0) continue;
      by_key[static_cast<std::uint32_t>(a.iface) << 8 | a.vrid].push_back(a.t_ns);
    }
  }
  GapStats g;
  std::vector<double> all;
  for (auto& [key, ts] : by_key) {
    std::sort(ts.begin(), ts.end());
    g.adverts += ts.size();
    for (std::size_t i = 1; i < ts.size(); ++i) all.push_back(static_cast<double>(ts[i] - ts[i - 1]) / 1e6);
  }
  g.keys = by_key.size();
  g.p99_ms = percentile(all, 99);
  g.median_ms = percentile(all, 50);
  g.max_ms = all.empty() ? 0 : *std::max_element(all.begin(), all.end());
  return g;
}

}  // namespace vigil::testing::scale
