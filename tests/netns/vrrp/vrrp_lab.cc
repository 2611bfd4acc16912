#include "vrrp_lab.h"

#include <sys/wait.h>

#include <fmt/format.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "net/interfaces.h"

#ifndef VIGILD_PATH
#error "VIGILD_PATH must be defined by CMake"
#endif

namespace vigil::testing {

namespace {

void spit(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

}  // namespace

std::string lab_config(const LabInstance& li, const std::string& router_id) {
  const double advert_s = li.advert_ms / 1000.0;
  return fmt::format(
      "global_defs {{\n  router_id {}\n{}}}\n"
      "vrrp_instance VI_1 {{\n  state {}\n  interface eth0\n  virtual_router_id {}\n  priority {}\n"
      "  advert_int {}\n  version {}\n{}  virtual_ipaddress {{\n    {}\n  }}\n}}\n",
      router_id, li.global_extra, li.state, li.vrid, li.priority, advert_s, li.version, li.extra, li.vip);
}

Router::Router(const Topology::Node& node, Kind kind, const std::string& config)
    : node_(node), kind_(kind) {
  char tmpl[] = "/tmp/vigil-vrrp-lab-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  set_config(config);
  {
    NetnsScope in(node.ns);
    auto nl = net::Netlink::open();
    if (!nl) throw std::runtime_error("netlink: " + nl.error().str());
    nl_.emplace(std::move(*nl));
    auto idx = net::ifindex_of(*nl_, "eth0");
    if (!idx) throw std::runtime_error("eth0: " + idx.error().str());
    eth0_ = *idx;
  }
}

Router::~Router() {
  proc_.reset();  // SIGTERM, SIGKILL after the grace period, by PID
  if (auto child = pid_from("vrrp.pid"); child && ::kill(*child, 0) == 0) ::kill(*child, SIGKILL);
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void Router::set_config(const std::string& config) { spit(dir_ + "/vrrp.conf", config); }

void Router::start() {
  // A restart: forget the previous run's pidfiles and log lines (ready() reads them).
  std::error_code ec;
  std::filesystem::remove(dir_ + "/vrrp.pid", ec);
  std::filesystem::remove(dir_ + "/parent.pid", ec);
  log_offset_ = log().size();
  const std::string bin = kind_ == Kind::vigil ? VIGILD_PATH : "/usr/sbin/keepalived";
  const std::string ns_exec = kind_ == Kind::keepalived ? fmt::format("ip netns exec {} ", node_.ns) : "";
  // `exec` keeps the PID: the ChildProcess is the daemon's parent process itself.
  const std::string cmd = fmt::format(
      "exec env TMPDIR={0} {1}{2} -n -l -D -P -f {0}/vrrp.conf -p {0}/parent.pid -r {0}/vrrp.pid "
      ">>{0}/log 2>&1",
      dir_, ns_exec, bin);
  proc_ = std::make_unique<ChildProcess>(node_.ns, std::vector<std::string>{"/bin/sh", "-c", cmd},
                                         std::chrono::milliseconds(3000));
}

std::optional<pid_t> Router::pid_from(const std::string& file) const {
  std::string text = read_file(dir_ + "/" + file);
  if (text.empty()) return std::nullopt;
  try {
    return static_cast<pid_t>(std::stoi(text));
  } catch (...) {
    return std::nullopt;
  }
}

void Router::kill9() {
  if (auto child = pid_from("vrrp.pid")) ::kill(*child, SIGKILL);
  if (proc_) ::kill(proc_->pid(), SIGKILL);
  if (proc_) wait_until([&] { return proc_->exited(); }, std::chrono::milliseconds(2000));
}

bool Router::stop(std::chrono::milliseconds timeout) {
  if (!proc_) return true;
  ::kill(proc_->pid(), SIGTERM);
  return wait_until([&] { return proc_->exited(); }, timeout);
}

void Router::term() {
  if (proc_) ::kill(proc_->pid(), SIGTERM);
}

bool Router::running() { return proc_ && !proc_->exited(); }

std::optional<int> Router::exit_code() {
  int status = 0;
  if (!proc_ || !proc_->exited(&status) || !WIFEXITED(status)) return std::nullopt;
  return WEXITSTATUS(status);
}

void Router::reload() {
  if (proc_) ::kill(proc_->pid(), SIGHUP);
}

bool Router::ready() {
  // A real-time signal's default action is to terminate: signal only once the daemon handles
  // it. vigild logs "Startup complete" after its VRRP child has loaded; keepalived's VRRP child
  // has written its pidfile once its signal handlers are in place.
  if (!running() || !pid_from("vrrp.pid")) return false;
  return kind_ == Kind::keepalived ||
         log().find("Startup complete", log_offset_) != std::string::npos;
}

std::optional<nlohmann::json> Router::json() {
  if (!ready()) return std::nullopt;
  const std::string path = dir_ + "/keepalived.json";
  std::error_code ec;
  std::filesystem::remove(path, ec);
  ::kill(proc_->pid(), SIGRTMIN + 2);
  std::optional<nlohmann::json> parsed;
  // The parent forwards the signal; the child writes the file atomically (rename).
  wait_until([&] {
    if (!std::filesystem::exists(path)) return false;
    try {
      parsed = nlohmann::json::parse(read_file(path));
      return true;
    } catch (...) {
      return false;
    }
  }, std::chrono::milliseconds(2000));
  return parsed;
}

namespace {
const nlohmann::json* find_instance(const nlohmann::json& j, const std::string& iname) {
  const nlohmann::json& list = j.is_object() && j.contains("vrrp") ? j["vrrp"] : j;
  if (!list.is_array()) return nullptr;
  for (const auto& item : list) {
    if (item.contains("data") && item["data"].value("iname", "") == iname) return &item["data"];
  }
  return nullptr;
}
}  // namespace

int Router::state(const std::string& iname) {
  auto j = json();
  if (!j) return -1;
  const auto* d = find_instance(*j, iname);
  return d == nullptr ? -1 : d->value("state", -1);
}

int Router::effective_priority(const std::string& iname) {
  auto j = json();
  if (!j) return -1;
  const auto* d = find_instance(*j, iname);
  return d == nullptr ? -1 : d->value("effective_priority", -1);
}

bool Router::owns(const std::string& vip) {
  auto addrs = net::addresses_of(*nl_, eth0_, 0);
  if (!addrs) return false;
  for (const auto& a : *addrs) {
    if (a.address.to_string() == vip) return true;
  }
  return false;
}

bool Router::owns_on(const std::string& vip, const std::string& ifname) {
  auto idx = net::ifindex_of(*nl_, ifname);
  if (!idx) return false;
  auto addrs = net::addresses_of(*nl_, *idx, 0);
  if (!addrs) return false;
  for (const auto& a : *addrs) {
    if (a.address.to_string() == vip) return true;
  }
  return false;
}

std::string Router::exec(const std::string& cmd) const { return run(node_.exec(cmd)).out; }

std::string Router::log() const { return read_file(dir_ + "/log"); }

}  // namespace vigil::testing
