#include "netns_harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace vigil::testing {

CommandResult run(const std::string& cmd) {
  CommandResult r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int st = ::pclose(p);
  r.status = (st != -1 && WIFEXITED(st)) ? WEXITSTATUS(st) : -1;
  return r;
}

std::string sh(const std::string& cmd) {
  CommandResult r = run(cmd);
  if (r.status != 0) {
    throw std::runtime_error("command failed (status " + std::to_string(r.status) + "): " + cmd +
                             "\n" + r.out);
  }
  return r.out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::optional<pid_t> pid_in(const std::string& pidfile) {
  const std::string text = read_file(pidfile);
  if (text.empty() || text.back() != '\n') return std::nullopt;
  try {
    const long v = std::stol(text);
    if (v > 0) return static_cast<pid_t>(v);
  } catch (...) {
  }
  return std::nullopt;
}

int bound_unix_datagram(const std::string& path) {
  const int sock = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (sock < 0) return -1;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
  if (::bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(sock);
    return -1;
  }
  return sock;
}

Netns::Netns(std::string name) : name_(std::move(name)) { sh("ip netns add " + name_); }

Netns::~Netns() { run("ip netns del " + name_ + " 2>/dev/null"); }

std::string Netns::exec(const std::string& cmd) const { return "ip netns exec " + name_ + " " + cmd; }

NetnsScope::NetnsScope(const std::string& name) {
  saved_ = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (saved_ < 0) throw std::runtime_error("open own netns: " + std::string(std::strerror(errno)));
  int target = ::open(("/run/netns/" + name).c_str(), O_RDONLY | O_CLOEXEC);
  if (target < 0 || ::setns(target, CLONE_NEWNET) != 0) {
    std::string err = std::strerror(errno);
    if (target >= 0) ::close(target);
    ::close(saved_);
    throw std::runtime_error("enter netns " + name + ": " + err);
  }
  ::close(target);
}

NetnsScope::~NetnsScope() {
  if (::setns(saved_, CLONE_NEWNET) != 0) {
    // Staying in a test namespace would make later tests touch the wrong network: stop here.
    std::fprintf(stderr, "NetnsScope: cannot return to the original netns: %s\n", std::strerror(errno));
    std::abort();
  }
  ::close(saved_);
}

namespace {

bool enter_netns(const std::string& name) {
  int fd = ::open(("/run/netns/" + name).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::setns(fd, CLONE_NEWNET) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

int run_in_child(const std::string& name, const std::function<int()>& body) {
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    if (!enter_netns(name)) ::_exit(126);
    int rc = 125;
    try {
      rc = body();
    } catch (...) {
      rc = 124;
    }
    std::fflush(nullptr);
    ::_exit(rc);
  }
  int st = 0;
  while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

ChildProcess::ChildProcess(const std::string& netns, const std::vector<std::string>& argv,
                           std::chrono::milliseconds grace)
    : grace_(grace) {
  if (argv.empty()) throw std::invalid_argument("ChildProcess: empty argv");
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::fflush(nullptr);
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork: " + std::string(std::strerror(errno)));
  if (pid_ == 0) {
    if (!enter_netns(netns)) ::_exit(126);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
}

bool ChildProcess::exited(int* status) {
  if (!reaped_) {
    int st = 0;
    if (::waitpid(pid_, &st, WNOHANG) == pid_) {
      reaped_ = true;
      status_ = st;
    }
  }
  if (reaped_ && status != nullptr) *status = status_;
  return reaped_;
}

ChildProcess::~ChildProcess() {
  if (pid_ <= 0 || exited()) return;
  ::kill(pid_, SIGTERM);
  if (!wait_until([this] { return exited(); }, grace_)) {
    ::kill(pid_, SIGKILL);
    int st = 0;
    ::waitpid(pid_, &st, 0);
  }
}

bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  using Clock = std::chrono::steady_clock;
  auto step = std::max(std::chrono::milliseconds(1), timeout / 200);
  auto deadline = Clock::now() + timeout;
  for (;;) {
    if (pred()) return true;
    if (Clock::now() >= deadline) return pred();
    std::this_thread::sleep_for(step);
  }
}

PacketCapture::PacketCapture(const std::string& netns, const std::string& ifname) {
  NetnsScope in(netns);
  fd_ = ::socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
  if (fd_ < 0) throw std::runtime_error("PacketCapture: socket: " + std::string(std::strerror(errno)));
  sockaddr_ll sll{};
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(ETH_P_ALL);
  sll.sll_ifindex = static_cast<int>(::if_nametoindex(ifname.c_str()));
  if (sll.sll_ifindex == 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&sll), sizeof sll) != 0) {
    std::string err = std::strerror(errno);
    ::close(fd_);
    throw std::runtime_error("PacketCapture: bind to " + ifname + " in " + netns + ": " + err);
  }
  const int on = 1;
  ::setsockopt(fd_, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
}

PacketCapture::~PacketCapture() {
  if (fd_ >= 0) ::close(fd_);
}

std::optional<PacketCapture::Frame> PacketCapture::read_one() {
  std::uint8_t buf[65536];
  alignas(cmsghdr) std::uint8_t control[CMSG_SPACE(sizeof(timespec))];
  sockaddr_ll from{};
  iovec iov{buf, sizeof buf};
  msghdr msg{};
  msg.msg_name = &from;
  msg.msg_namelen = sizeof from;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n = ::recvmsg(fd_, &msg, MSG_DONTWAIT);
  if (n < 0) return std::nullopt;
  Frame f{std::vector<std::uint8_t>(buf, buf + n), from.sll_pkttype == PACKET_OUTGOING};
  f.at = std::chrono::system_clock::now();
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
      timespec ts{};
      std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
      f.at = std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec)));
    }
  }
  return f;
}

std::optional<PacketCapture::Frame> PacketCapture::next(const std::function<bool(const Frame&)>& match,
                                                        std::chrono::milliseconds timeout) {
  std::optional<Frame> found;
  wait_until([&] {
    while (auto f = read_one()) {
      if (match(*f)) {
        found = std::move(f);
        return true;
      }
    }
    return false;
  }, timeout);
  return found;
}

std::vector<PacketCapture::Frame> PacketCapture::drain() {
  std::vector<Frame> out;
  while (auto f = read_one()) out.push_back(std::move(*f));
  return out;
}

void remove_stale_namespaces(const std::string& prefix) {
  std::istringstream list(run("ip netns list 2>/dev/null").out);
  std::string line;
  while (std::getline(list, line)) {
    std::string name = line.substr(0, line.find(' '));
    if (name.rfind(prefix, 0) != 0) continue;
    std::size_t dash = name.find('-', prefix.size());
    if (dash == std::string::npos || dash == prefix.size()) continue;
    std::string digits = name.substr(prefix.size(), dash - prefix.size());
    if (digits.find_first_not_of("0123456789") != std::string::npos) continue;
    pid_t pid = static_cast<pid_t>(std::stol(digits));
    if (::kill(pid, 0) != 0 && errno == ESRCH) run("ip netns del " + name + " 2>/dev/null");
  }
}

Topology::Topology(const std::string& prefix, const std::vector<std::string>& roles)
    : prefix_(prefix + std::to_string(::getpid()) + "-") {
  remove_stale_namespaces(prefix);
  try {
    build(roles);
  } catch (...) {
    while (!owned_.empty()) owned_.pop_back();
    throw;
  }
}

Topology::~Topology() {
  while (!owned_.empty()) owned_.pop_back();
}

void Topology::build(const std::vector<std::string>& roles) {
  owned_.push_back(std::make_unique<Netns>(prefix_ + "sw"));
  bridge_ = owned_.back().get();
  const Netns& sw = *bridge_;
  // The bridge must stay silent: no STP, no IPv6 (so no MLD/RS of its own), no snooping.
  sh(sw.exec("sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1"));
  sh("ip -n " + sw.name() +
     " link add br0 type bridge stp_state 0 forward_delay 0 mcast_snooping 0");
  sh("ip -n " + sw.name() + " link set br0 up");
  int index = 0;
  for (const auto& role : roles) {
    ++index;
    owned_.push_back(std::make_unique<Netns>(prefix_ + role));
    const Netns& ns = *owned_.back();
    Node n;
    n.role = role;
    n.ns = ns.name();
    n.index = index;
    char mac[32];
    std::snprintf(mac, sizeof mac, "02:99:00:00:00:%02x", index);
    n.mac = mac;
    n.ipv4 = "10.99.0." + std::to_string(index);
    n.ipv6 = "fd99::" + std::to_string(index);
    n.ll6 = "fe80::99:" + std::to_string(index);
    // DAD off before eth0 exists: addresses are usable at once, so tests need not wait for it.
    sh(ns.exec("sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 "
               "net.ipv6.conf.default.router_solicitations=0 "
               "net.ipv6.conf.default.addr_gen_mode=1"));
    std::string peer = "p" + std::to_string(index);
    sh("ip -n " + ns.name() + " link add eth0 address " + n.mac + " type veth peer name " + peer +
       " netns " + sw.name());
    sh("ip -n " + sw.name() + " link set " + peer + " master br0 up");
    sh("ip -n " + ns.name() + " link set lo up");
    sh("ip -n " + ns.name() + " addr add " + n.ipv4 + "/24 dev eth0");
    sh("ip -n " + ns.name() + " addr add " + n.ipv6 + "/64 dev eth0 nodad");
    sh("ip -n " + ns.name() + " addr add " + n.ll6 + "/64 dev eth0 nodad");
    sh("ip -n " + ns.name() + " link set eth0 up");
    nodes_[role] = n;
  }
  wait_ready();
}

// Links come up asynchronously: the kernel's linkwatch work activates a device's qdisc, sets
// operstate UP and moves a bridge port to forwarding, and it runs events at most once per second
// (more under load). Until then frames are silently dropped, so wait for all of it here.
// Timeout 10 s: two linkwatch rounds (2 s) plus slack for a loaded 2-core machine (load 13 seen).
void Topology::wait_ready() {
  auto up = [](const std::string& out) { return out.find(" state UP ") != std::string::npos; };
  bool ok = wait_until([&] {
    for (const auto& [role, n] : nodes_) {
      if (!up(run("ip -n " + n.ns + " -o link show dev eth0").out)) return false;
      std::string port = run("ip -n " + bridge_->name() + " -d -o link show dev p" + std::to_string(n.index)).out;
      if (!up(port) || port.find(" state forwarding ") == std::string::npos) return false;
    }
    return true;
  }, std::chrono::seconds(10));
  if (!ok) throw std::runtime_error("Topology: links did not come up within 10 s");
}

const Topology::Node& Topology::node(const std::string& role) const {
  auto it = nodes_.find(role);
  if (it == nodes_.end()) throw std::out_of_range("Topology: no node " + role);
  return it->second;
}

}  // namespace vigil::testing
