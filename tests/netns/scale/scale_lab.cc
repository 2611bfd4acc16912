#include "scale_lab.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <linux/if_ether.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "net/interfaces.h"
#include "net/netlink.h"

#ifndef VIGILD_PATH
#error "VIGILD_PATH must be defined by CMake"
#endif

namespace vigil::testing::scale {

namespace {

// utime + stime in seconds, from /proc/PID/stat (fields 14 and 15, after the "(comm)").
// CPU time of every thread of `pid` in seconds, to the nanosecond: the first field of each
// /proc/PID/task/TID/schedstat. /proc/PID/stat counts in 10 ms ticks, too coarse for the 70 ms
// a daemon spends over a 10 s window (±1 tick at each end is ±30 %).
double proc_cpu_precise(pid_t pid) {
  std::error_code ec;
  double total = 0;
  bool any = false;
  for (const auto& e : std::filesystem::directory_iterator(fmt::format("/proc/{}/task", pid), ec)) {
    std::istringstream in(read_file(e.path().string() + "/schedstat"));
    unsigned long long ns = 0;
    if (in >> ns) {
      total += static_cast<double>(ns) / 1e9;
      any = true;
    }
  }
  return any ? total : -1;
}

double proc_cpu(pid_t pid) {
  if (const double precise = proc_cpu_precise(pid); precise >= 0) return precise;
  std::string s = read_file(fmt::format("/proc/{}/stat", pid));
  auto close = s.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream in(s.substr(close + 2));
  std::string field;
  unsigned long long ut = 0, st = 0;
  for (int i = 3; i <= 15 && in >> field; ++i) {
    if (i == 14) ut = std::stoull(field);
    if (i == 15) st = std::stoull(field);
  }
  return static_cast<double>(ut + st) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

long proc_rss_kb(pid_t pid) {
  std::istringstream in(read_file(fmt::format("/proc/{}/status", pid)));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

}  // namespace

std::string scale_config(const Workload& w, int priority, const std::string& router_id) {
  std::string out = fmt::format("global_defs {{\n  router_id {}\n}}\n", router_id);
  const double advert_s = w.interval_ms / 1000.0;
  int made = 0;
  for (int k = 0; k < w.ifaces && made < w.instances; ++k) {
    for (int v = 1; v <= w.per_iface() && made < w.instances; ++v, ++made) {
      out += fmt::format(
          "vrrp_instance VI_{0}_{1} {{\n  state BACKUP\n  interface eth{0}\n  virtual_router_id {1}\n"
          "  priority {2}\n  advert_int {3}\n  version 3\n  virtual_ipaddress {{\n    10.{4}.1.{1}/16\n  }}\n}}\n",
          k, v, priority, advert_s, 100 + k);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
ScaleLab::ScaleLab(const std::string& prefix, int ifaces) : topo_(prefix, {"a", "b"}), ifaces_(ifaces) {
  const std::string sw = topo_.bridge_ns();
  // A switch does not run iptables on the frames it bridges. With br_netfilter loaded on the host
  // the bridge would (bridge-nf-call-*, per namespace), and that per-frame work runs in the
  // sender's softirq — charged to the daemon that sent the frame, for both daemons alike.
  sh(fmt::format("ip netns exec {} sh -c 'for f in /proc/sys/net/bridge/bridge-nf-call-iptables "
                 "/proc/sys/net/bridge/bridge-nf-call-ip6tables /proc/sys/net/bridge/bridge-nf-call-arptables; "
                 "do [ -e $f ] && echo 0 > $f; done; true'", sw));
  for (int k = 1; k < ifaces; ++k) {
    sh(fmt::format("ip -n {0} link add br{1} type bridge stp_state 0 forward_delay 0 mcast_snooping 0 && "
                   "ip -n {0} link set br{1} up", sw, k));
  }
  for (const char* role : {"a", "b"}) {
    const auto& n = topo_.node(role);
    for (int k = 1; k < ifaces; ++k) {
      sh(fmt::format("ip -n {0} link add eth{1} type veth peer name {2}{1} netns {3} && "
                     "ip -n {3} link set {2}{1} master br{1} up && ip -n {0} link set eth{1} up",
                     n.ns, k, role, sw));
    }
    for (int k = 0; k < ifaces; ++k) sh(fmt::format("ip -n {} addr add 10.{}.0.{}/16 dev eth{}", n.ns, 100 + k, n.index, k));
  }
  // Links come up through the kernel's linkwatch (≤ 1 s per round, slower under load): 10 s.
  bool ok = wait_until([&] {
    for (const char* role : {"a", "b"}) {
      for (int k = 1; k < ifaces; ++k) {
        std::string port = run(fmt::format("ip -n {} -d -o link show dev {}{}", sw, role, k)).out;
        if (port.find(" state UP ") == std::string::npos || port.find(" state forwarding ") == std::string::npos) {
          return false;
        }
        if (run(topo_.node(role).exec(fmt::format("ip -o link show dev eth{}", k))).out.find(" state UP ") ==
            std::string::npos) {
          return false;
        }
      }
    }
    return true;
  }, std::chrono::seconds(10));
  if (!ok) throw std::runtime_error("ScaleLab: links did not come up within 10 s");
}

void ScaleLab::flush_vips() {
  for (const char* role : {"a", "b"}) {
    for (int k = 0; k < ifaces_; ++k) {
      run(topo_.node(role).exec(fmt::format("ip addr flush dev eth{} to 10.{}.1.0/24", k, 100 + k)));
    }
  }
}

int ScaleLab::vip_count(const std::string& role) {
  NetnsScope in(topo_.node(role).ns);
  auto nl = net::Netlink::open();
  if (!nl) return -1;
  int count = 0;
  for (int k = 0; k < ifaces_; ++k) {
    auto idx = net::ifindex_of(*nl, fmt::format("eth{}", k));
    if (!idx) return -1;
    auto addrs = net::addresses_of(*nl, *idx, 0);
    if (!addrs) return -1;
    const std::string prefix = fmt::format("10.{}.1.", 100 + k);
    for (const auto& a : *addrs) {
      if (a.address.to_string().rfind(prefix, 0) == 0) ++count;
    }
  }
  return count;
}

// ---------------------------------------------------------------------------------------------
namespace {
bool is_vip(std::uint32_t a) { return (a >> 24) == 10 && ((a >> 16) & 0xff) >= 100 && ((a >> 8) & 0xff) == 1; }
}  // namespace

VipWatch::VipWatch(ScaleLab& lab, const std::string& role) {
  {
    NetnsScope in(lab.node(role).ns);
    fd_ = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd_ < 0) throw std::runtime_error("VipWatch: socket");
    int big = 8 << 20;
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);
    sockaddr_nl sa{};
    sa.nl_family = AF_NETLINK;
    sa.nl_groups = RTMGRP_IPV4_IFADDR;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) throw std::runtime_error("VipWatch: bind");
    // Subscribed first, then one dump: an address added in between is seen twice (a set).
    struct {
      nlmsghdr h;
      ifaddrmsg m;
    } req{};
    req.h.nlmsg_len = sizeof req;
    req.h.nlmsg_type = RTM_GETADDR;
    req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    req.h.nlmsg_seq = 1;
    req.m.ifa_family = AF_INET;
    if (::send(fd_, &req, sizeof req, 0) < 0) throw std::runtime_error("VipWatch: dump");
  }
  read_events(200);  // the dump's answer (and any early events)
}

VipWatch::~VipWatch() {
  if (fd_ >= 0) ::close(fd_);
}

void VipWatch::read_events(int timeout_ms) {
  std::vector<char> buf(1 << 16);
  pollfd p{fd_, POLLIN, 0};
  while (::poll(&p, 1, timeout_ms) > 0) {
    ssize_t n = ::recv(fd_, buf.data(), buf.size(), MSG_DONTWAIT);
    if (n <= 0) return;
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf.data()); NLMSG_OK(h, static_cast<unsigned>(n)); h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_type != RTM_NEWADDR && h->nlmsg_type != RTM_DELADDR) continue;
      auto* m = static_cast<ifaddrmsg*>(NLMSG_DATA(h));
      int len = static_cast<int>(IFA_PAYLOAD(h));
      for (auto* a = IFA_RTA(m); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
        if (a->rta_type != IFA_LOCAL || RTA_PAYLOAD(a) != 4) continue;
        std::uint32_t v;
        std::memcpy(&v, RTA_DATA(a), 4);
        v = ntohl(v);
        if (!is_vip(v)) continue;
        if (h->nlmsg_type == RTM_NEWADDR) {
          present_.insert(v);
        } else {
          present_.erase(v);
        }
      }
    }
    timeout_ms = 0;  // drain what is queued, then return
  }
}

bool VipWatch::wait_for(int count, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (static_cast<int>(present_.size()) != count) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    read_events(static_cast<int>(std::min<long>(left.count(), 50)));
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
Daemon::Daemon(const Topology::Node& node, Kind kind, const std::string& config, LogSink sink)
    : node_(node), kind_(kind), sink_(sink) {
  char tmpl[] = "/tmp/vigil-scale-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  std::ofstream(dir_ + "/vrrp.conf") << config;
}

Daemon::~Daemon() {
  if (pid_ > 0 && !reaped_) {
    ::kill(pid_, SIGTERM);
    if (!wait_exit(std::chrono::milliseconds(5000))) {
      if (auto c = child(); c && ::kill(*c, 0) == 0) ::kill(*c, SIGKILL);
      ::kill(pid_, SIGKILL);
      wait_exit(std::chrono::milliseconds(5000));
    }
  }
  if (auto c = child(); c && ::kill(*c, 0) == 0) ::kill(*c, SIGKILL);
  if (pipe_rd_ >= 0) {
    // The reader ends when every writer (the daemon's processes) has gone.
    if (reader_.joinable()) reader_.join();
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void Daemon::start() {
  const std::string bin = kind_ == Kind::vigil ? VIGILD_PATH : "/usr/sbin/keepalived";
  std::vector<std::string> argv = {"ip", "netns", "exec", node_.ns, bin, "-n", "-l", "-D", "-P", "-G",
                                   "-f", dir_ + "/vrrp.conf", "-p", dir_ + "/parent.pid",
                                   "-r", dir_ + "/vrrp.pid"};
  int out = -1;
  if (sink_ == LogSink::file) {
    out = ::open((dir_ + "/log").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  } else {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    pipe_rd_ = p[0];
    out = p[1];
    // The slow console: one line, then 1 ms of not reading. The pipe fills and the daemon's
    // writes block unless it keeps logging off its protocol path.
    reader_ = std::thread([this, rd = p[0]] {
      FILE* in = ::fdopen(rd, "r");
      std::ofstream copy(dir_ + "/log", std::ios::app);
      char* line = nullptr;
      std::size_t cap = 0;
      while (::getline(&line, &cap, in) > 0) {
        copy << line << std::flush;  // ready() looks for "Startup complete" in the copy
        ++lines_;
        timespec ms{0, 1000000};
        ::nanosleep(&ms, nullptr);
      }
      std::free(line);
      std::fclose(in);
    });
  }
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  // The environment is built before fork: the child of a threaded process only execs.
  std::vector<std::string> env_text = {"TMPDIR=" + dir_};
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::strncmp(*e, "TMPDIR=", 7) != 0) env_text.emplace_back(*e);
  }
  std::vector<char*> envp;
  for (auto& e : env_text) envp.push_back(e.data());
  envp.push_back(nullptr);
  const int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  std::fflush(stdout);  // not fflush(nullptr): it would wait on the slow-sink reader's FILE lock
  std::fflush(stderr);
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork");
  if (pid_ == 0) {
    ::dup2(out, 1);
    ::dup2(out, 2);
    ::dup2(devnull, 0);
    ::execvpe(args[0], args.data(), envp.data());  // ip netns exec execs the daemon in place: same PID
    ::_exit(127);
  }
  ::close(out);
  ::close(devnull);
}

std::optional<pid_t> Daemon::child() const { return pid_in(dir_ + "/vrrp.pid"); }

void Daemon::term() {
  if (pid_ > 0) ::kill(pid_, SIGTERM);
}
void Daemon::hup() {
  if (pid_ > 0) ::kill(pid_, SIGHUP);
}
void Daemon::kill9() {
  if (auto c = child()) ::kill(*c, SIGKILL);
  if (pid_ > 0) ::kill(pid_, SIGKILL);
}

bool Daemon::wait_exit(std::chrono::milliseconds timeout) {
  if (pid_ <= 0 || reaped_) return true;
  return wait_until([&] {
    int st = 0;
    if (::waitpid(pid_, &st, WNOHANG) == pid_) reaped_ = true;
    return reaped_;
  }, timeout);
}

bool Daemon::ready() {
  if (pid_ <= 0 || reaped_) return false;
  auto c = child();
  if (!c || ::kill(*c, 0) != 0) return false;
  if (kind_ == Kind::keepalived) return true;
  return read_file(dir_ + "/log").find("Startup complete") != std::string::npos;
}

double Daemon::cpu_seconds() const {
  double s = pid_ > 0 ? proc_cpu(pid_) : 0;
  if (auto c = child()) s += proc_cpu(*c);
  return s;
}

long Daemon::parent_rss_kb() const { return pid_ > 0 ? proc_rss_kb(pid_) : 0; }
long Daemon::child_rss_kb() const {
  auto c = child();
  return c ? proc_rss_kb(*c) : 0;
}
long Daemon::rss_kb() const { return parent_rss_kb() + child_rss_kb(); }

std::optional<nlohmann::json> Daemon::json(std::chrono::milliseconds timeout) {
  if (!ready()) return std::nullopt;
  const std::string path = dir_ + "/keepalived.json";
  std::error_code ec;
  std::filesystem::remove(path, ec);
  ::kill(pid_, SIGRTMIN + 2);
  std::optional<nlohmann::json> parsed;
  // Polled every 1 ms: the reload time is derived from how fast this answers.
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (std::filesystem::exists(path)) {
      try {
        parsed = nlohmann::json::parse(read_file(path));
        break;
      } catch (...) {
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return parsed;
}

std::optional<Daemon::States> Daemon::states() {
  auto j = json();
  if (!j) return std::nullopt;
  const nlohmann::json& list = j->is_object() && j->contains("vrrp") ? (*j)["vrrp"] : *j;
  if (!list.is_array()) return std::nullopt;
  States s;
  for (const auto& item : list) {
    const int st = item.contains("data") ? item["data"].value("state", -1) : -1;
    if (st == 2) {
      ++s.master;
    } else if (st == 1) {
      ++s.backup;
    } else {
      ++s.other;
    }
    if (item.contains("stats")) {
      s.transitions += item["stats"].value("become_master", 0L) + item["stats"].value("release_master", 0L);
    }
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
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
