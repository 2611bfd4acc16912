// tests/netns/lib/netns_harness.h — build throw-away network namespaces for tests, and run code
// inside them. Every kernel object made here is removed by a destructor, so a failing ASSERT
// (which returns from the test body) still cleans up.
//
// Safety: everything lives in namespaces this process created, named "<prefix><pid>-<role>".
// Nothing here touches the host's interfaces, addresses or routes. Leftovers from a crashed run
// (same prefix, pid no longer alive) are deleted by name when a new Topology is built.
//
// Quick tour
//   Topology topo("vnet", {"a", "b"});     // netns vnet<pid>-sw with bridge br0, plus vnet<pid>-a and
//                                          // vnet<pid>-b, each with eth0 (veth into br0), lo up,
//                                          // 10.99.0.<n>/24, fd99::<n>/64 and fe80::99:<n>, DAD off
//                                          // (no other link-local: addrgenmode none); returns once
//                                          // links are up and bridge ports forward
//   topo.node("a").ns                       // "vnet1234-a"
//   sh(topo.node("a").exec("ip -j addr show dev eth0"));   // run a command there, get stdout
//
//   {  NetnsScope in(topo.node("a").ns);   // this THREAD is in netns a until the scope ends;
//      auto s = open_socket(...);          // sockets/netlink opened now stay in netns a for good
//   }                                      // back to the original namespace
//
//   int rc = run_in_child(ns, [] { ... return 0; });   // fork, setns in the child, run, exit code back
//   ChildProcess d(ns, {"/path/vigil", "-n"});          // long-running process, killed by PID at scope end
//   ASSERT_TRUE(wait_until([&]{ return cond(); }, 2s));  // poll a condition with a stated timeout
//   PacketCapture cap(topo.bridge_ns(), "br0");          // what crossed the bridge (AF_PACKET)
//
// Which way to run code "in" a namespace: NetnsScope is the default (cheap, single process, the
// gtest assertions work, and fds opened inside keep their namespace — so one test can hold sockets
// in two namespaces and talk between them). Use run_in_child/ChildProcess when the code changes
// per-process state (sysctl readers via /proc/self, mounts) or must outlive the test thread.
// Note: setns() does not remount /sys, so inside a NetnsScope read links via netlink, not /sys;
// for a program that reads /sys (keepalived), start it as
//   ChildProcess kd(ns, {"ip", "netns", "exec", ns, "/usr/sbin/keepalived", "-n", ...});
// (`ip netns exec` execs in place, so the PID is still the program's).
//
// CMake: vigil_add_gtest(NAME x SOURCES ... LIBS vigil_netns_harness ... SERIAL)
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace vigil::testing {

// Runs `cmd` with /bin/sh -c; returns its exit status (or -1) and stdout.
struct CommandResult {
  int status = -1;
  std::string out;
};
CommandResult run(const std::string& cmd);
// Same, but throws std::runtime_error (a gtest failure) if the command does not exit 0.
std::string sh(const std::string& cmd);

// A whole file as a string ("" when it cannot be read).
std::string read_file(const std::string& path);
// The pid in a pidfile: a complete line ("1234\n") holding a positive number; nullopt while the
// file is missing, empty or half-written.
std::optional<pid_t> pid_in(const std::string& pidfile);
// A non-blocking AF_UNIX datagram socket bound at `path` (standing in for systemd's notify socket
// or /dev/log); -1 when it cannot be made or bound. The caller closes it.
int bound_unix_datagram(const std::string& path);

// One network namespace, deleted (with everything in it) on destruction.
class Netns {
 public:
  explicit Netns(std::string name);
  ~Netns();
  Netns(const Netns&) = delete;
  Netns& operator=(const Netns&) = delete;
  const std::string& name() const { return name_; }
  // "ip netns exec <name> <cmd>"
  std::string exec(const std::string& cmd) const;

 private:
  std::string name_;
};

// Puts the calling thread into netns `name` until destroyed, then back where it was.
class NetnsScope {
 public:
  explicit NetnsScope(const std::string& name);
  ~NetnsScope();
  NetnsScope(const NetnsScope&) = delete;
  NetnsScope& operator=(const NetnsScope&) = delete;

 private:
  int saved_ = -1;
};

// Forks; the child enters netns `name` and runs body(); its return value is the child's exit
// code. Returns that code, or -1 if the child could not enter the namespace or died by a signal.
int run_in_child(const std::string& name, const std::function<int()>& body);

// A process started in a namespace; SIGTERM (then SIGKILL after `grace`) by PID on destruction.
class ChildProcess {
 public:
  ChildProcess(const std::string& netns, const std::vector<std::string>& argv,
               std::chrono::milliseconds grace = std::chrono::milliseconds(2000));
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  pid_t pid() const { return pid_; }
  // Non-blocking: true (and the status) once the process exited.
  bool exited(int* status = nullptr);

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  int status_ = 0;
  std::chrono::milliseconds grace_;
};

// Polls `pred` until it returns true or `timeout` passes. The caller writes down why `timeout`
// is enough (e.g. "3 adverts x 1 s + skew"). Poll interval: timeout/200, at least 1 ms.
bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout);

// A bridge namespace plus one namespace per router, each router with eth0 on the bridge.
class Topology {
 public:
  struct Node {
    std::string role;  // "a", "b", ...
    std::string ns;    // namespace name
    int index = 0;     // 1-based, used in addresses and MACs
    std::string mac;   // eth0 MAC, 02:99:00:00:00:<index>
    std::string ipv4;  // 10.99.0.<index> (on eth0, /24)
    std::string ipv6;  // fd99::<index> (on eth0, /64, nodad)
    std::string ll6;   // fe80::99:<index> (eth0 link-local, /64)
    std::string exec(const std::string& cmd) const { return "ip netns exec " + ns + " " + cmd; }
  };

  // prefix: a few letters naming the test suite ("vnet", "vd"...). Returns once every link is
  // operationally up and every bridge port forwarding (frames sent earlier would be dropped).
  // Throws on setup failure after removing whatever it already built.
  Topology(const std::string& prefix, const std::vector<std::string>& roles);
  ~Topology();
  Topology(const Topology&) = delete;
  Topology& operator=(const Topology&) = delete;

  const Node& node(const std::string& role) const;
  const std::string& bridge_ns() const { return bridge_->name(); }

 private:
  void build(const std::vector<std::string>& roles);
  void wait_ready();
  std::string prefix_;
  std::vector<std::unique_ptr<Netns>> owned_;  // bridge first; destroyed in reverse
  Netns* bridge_ = nullptr;
  std::map<std::string, Node> nodes_;
};

// Every frame on one interface of a namespace (AF_PACKET, ETH_P_ALL), from construction on;
// the socket is opened inside `netns` and stays there. For asserting what went on the wire:
//   PacketCapture cap(topo.bridge_ns(), "br0");          // or (node.ns, "eth0")
//   auto f = cap.next([](const Frame& f) { return f.ethertype() == 0x0806; }, 2s);
class PacketCapture {
 public:
  struct Frame {
    std::vector<std::uint8_t> bytes;  // from the Ethernet header on
    bool outgoing = false;            // sent by this host (PACKET_OUTGOING)
    // When the kernel saw it (SO_TIMESTAMPNS, CLOCK_REALTIME): spacing and wire times.
    std::chrono::system_clock::time_point at{};
    std::uint16_t ethertype() const {
      return bytes.size() < 14 ? 0 : static_cast<std::uint16_t>(bytes[12] << 8 | bytes[13]);
    }
  };
  PacketCapture(const std::string& netns, const std::string& ifname);
  ~PacketCapture();
  PacketCapture(const PacketCapture&) = delete;
  PacketCapture& operator=(const PacketCapture&) = delete;
  // The next frame (in arrival order) for which match() is true; frames before it are consumed.
  std::optional<Frame> next(const std::function<bool(const Frame&)>& match, std::chrono::milliseconds timeout);
  // Everything queued right now.
  std::vector<Frame> drain();

 private:
  std::optional<Frame> read_one();
  int fd_ = -1;
};

// Deletes namespaces named "<prefix><pid>-*" whose pid is no longer running.
void remove_stale_namespaces(const std::string& prefix);

}  // namespace vigil::testing
