// track/process_tracker.cc — proc connector events and /proc scans feeding quorum counts.
#include "track/process_tracker.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace vigil::track {

namespace {

std::string read_small(const std::string& path) {
  net::Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return {};
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > 64 * 1024) break;
  }
  return out;
}

bool all_digits(const char* s) {
  if (*s == '\0') return false;
  for (; *s != '\0'; ++s) {
    if (*s < '0' || *s > '9') return false;
  }
  return true;
}

}  // namespace

ProcessTracker::ProcessTracker(event::Loop& loop, LogFn log, OnChange on_change,
                               ProcessTrackerOptions options)
    : loop_(loop), log_(std::move(log)), on_change_(std::move(on_change)),
      options_(std::move(options)) {}

std::size_t ProcessTracker::add(TrackProcessConfig config) {
  need_cmdline_ = need_cmdline_ || config.full_command || !config.args.empty();
  trackers_.push_back(Tracker{.config = std::move(config)});
  return trackers_.size() - 1;
}

Health ProcessTracker::health(std::size_t i) const {
  const Tracker& t = trackers_.at(i);
  if (!t.known) return Health::unknown;
  return t.reported_up ? Health::up : Health::down;
}

std::vector<std::uint32_t> ProcessTracker::match(pid_t pid) const {
  std::vector<std::uint32_t> out;
  const std::string base = options_.proc_root + "/" + std::to_string(pid);
  ProcessInfo info;
  info.comm = read_small(base + "/comm");
  if (info.comm.empty()) return out;  // gone (or not a process)
  if (info.comm.back() == '\n') info.comm.pop_back();
  if (need_cmdline_) {
    const std::string cmd = read_small(base + "/cmdline");
    std::size_t start = 0;
    while (start < cmd.size()) {
      std::size_t end = cmd.find('\0', start);
      if (end == std::string::npos) end = cmd.size();
      info.argv.emplace_back(cmd, start, end - start);
      start = end + 1;
    }
  }
  for (std::uint32_t i = 0; i < trackers_.size(); ++i) {
    if (process_matches(trackers_[i].config, info)) out.push_back(i);
  }
  return out;
}

void ProcessTracker::adjust(const std::vector<std::uint32_t>& before,
                            const std::vector<std::uint32_t>& after) {
  for (std::uint32_t i : before) {
    if (std::find(after.begin(), after.end(), i) == after.end()) {
      --trackers_[i].count;
      evaluate(i, false);
    }
  }
  for (std::uint32_t i : after) {
    if (std::find(before.begin(), before.end(), i) == before.end()) {
      ++trackers_[i].count;
      evaluate(i, false);
    }
  }
}

void ProcessTracker::refresh_pid(pid_t pid) {
  std::vector<std::uint32_t> now = match(pid);
  auto it = matched_.find(pid);
  const std::vector<std::uint32_t> before = it == matched_.end() ? std::vector<std::uint32_t>{}
                                                                 : it->second;
  if (now.empty()) {
    if (it != matched_.end()) matched_.erase(it);
  } else {
    matched_[pid] = now;
  }
  adjust(before, now);
}

void ProcessTracker::forget_pid(pid_t pid) {
  auto it = matched_.find(pid);
  if (it == matched_.end()) return;
  const std::vector<std::uint32_t> before = std::move(it->second);
  matched_.erase(it);
  adjust(before, {});
}

void ProcessTracker::rescan() {
  ++rescans_;
  std::unordered_map<pid_t, std::vector<std::uint32_t>> fresh;
  if (DIR* d = ::opendir(options_.proc_root.c_str())) {
    while (dirent* e = ::readdir(d)) {
      if (!all_digits(e->d_name)) continue;
      const pid_t pid = static_cast<pid_t>(std::strtol(e->d_name, nullptr, 10));
      auto m = match(pid);
      if (!m.empty()) fresh.emplace(pid, std::move(m));
    }
    ::closedir(d);
  }
  std::vector<std::uint32_t> counts(trackers_.size(), 0);
  for (const auto& [pid, idx] : fresh) {
    for (std::uint32_t i : idx) ++counts[i];
  }
  matched_ = std::move(fresh);
  for (std::size_t i = 0; i < trackers_.size(); ++i) {
    if (trackers_[i].count == counts[i] && trackers_[i].known) continue;
    trackers_[i].count = counts[i];
    evaluate(i, !trackers_[i].known);
  }
}

// Quorum changed (or may have): report now, or after the configured delay if it still holds.
void ProcessTracker::evaluate(std::size_t i, bool immediate) {
  Tracker& t = trackers_[i];
  const bool up = quorum_met(t.config, t.count);
  if (t.known && up == t.reported_up) {
    t.delay.cancel();  // flipped back within the delay: nothing to report
    return;
  }
  const auto delay = up ? t.config.fork_delay : t.config.terminate_delay;
  if (immediate || delay <= std::chrono::nanoseconds::zero()) {
    t.delay.cancel();
    report(i);
    return;
  }
  if (!t.delay.active()) t.delay = loop_.add_timer(delay, [this, i] { report(i); });
}

void ProcessTracker::report(std::size_t i) {
  Tracker& t = trackers_[i];
  const bool up = quorum_met(t.config, t.count);
  if (t.known && up == t.reported_up) return;
  const bool was_known = t.known;
  t.known = true;
  t.reported_up = up;
  if (log_ && (was_known || up)) log_(Severity::info, quorum_line(t.config.name, up));
  if (on_change_) on_change_(i, up ? Health::up : Health::down);
}

void ProcessTracker::start() {
  rescan();
  if (options_.use_connector && open_connector()) {
    mode_ = Mode::probing;
    nl_watch_ = loop_.add_read(nl_.get(), [this](const event::Fired& f) { on_connector_readable(f); },
                               options_.probe_timeout, {.persistent = true});
    return;
  }
  mode_ = Mode::scan;
  schedule_scan();
}

bool ProcessTracker::open_connector() {
  net::Fd fd(::socket(PF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_CONNECTOR));
  if (!fd) return false;
  sockaddr_nl addr{};
  addr.nl_family = AF_NETLINK;
  addr.nl_groups = CN_IDX_PROC;
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (log_) log_(Severity::info, fmt::format("track_process: proc connector unavailable ({}), "
                                               "scanning /proc", std::strerror(errno)));
    return false;
  }
  // nlmsghdr | cn_msg {idx PROC, val PROC, len} | enum proc_cn_mcast_op LISTEN
  constexpr std::size_t kPayload = sizeof(cn_msg) + sizeof(proc_cn_mcast_op);
  alignas(nlmsghdr) char req[NLMSG_SPACE(kPayload)] = {};
  auto* nh = reinterpret_cast<nlmsghdr*>(req);
  nh->nlmsg_len = NLMSG_LENGTH(kPayload);
  nh->nlmsg_type = NLMSG_DONE;
  nh->nlmsg_pid = static_cast<__u32>(::getpid());
  auto* cn = static_cast<cn_msg*>(NLMSG_DATA(nh));
  cn->id.idx = CN_IDX_PROC;
  cn->id.val = CN_VAL_PROC;
  cn->len = sizeof(proc_cn_mcast_op);
  const proc_cn_mcast_op op = PROC_CN_MCAST_LISTEN;
  std::memcpy(cn->data, &op, sizeof op);
  if (::send(fd.get(), req, nh->nlmsg_len, 0) != static_cast<ssize_t>(nh->nlmsg_len)) {
    if (log_) log_(Severity::info, fmt::format("track_process: proc connector unavailable ({}), "
                                               "scanning /proc", std::strerror(errno)));
    return false;
  }
  nl_ = std::move(fd);
  return true;
}

void ProcessTracker::on_probe_timeout() {
  if (log_) {
    log_(Severity::info, "track_process: no reply from the proc connector (CONFIG_PROC_EVENTS?), "
                         "scanning /proc");
  }
  nl_watch_.cancel();
  nl_.reset();
  mode_ = Mode::scan;
  rescan();
  schedule_scan();
}

void ProcessTracker::on_connector_readable(const event::Fired& f) {
  if (f.timed_out()) {
    if (mode_ == Mode::probing) on_probe_timeout();
    return;
  }
  if (!f.ok()) {
    on_probe_timeout();  // socket error: fall back
    return;
  }
  alignas(nlmsghdr) char buf[8192];
  bool lost = false;
  for (;;) {
    const ssize_t n = ::recv(nl_.get(), buf, sizeof buf, 0);
    if (n < 0) {
      if (errno == ENOBUFS) {  // the kernel dropped events: our counts may be wrong
        lost = true;
        continue;
      }
      break;  // EAGAIN: drained
    }
    unsigned len = static_cast<unsigned>(n);
    for (auto* nh = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len)) {
      if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(cn_msg) + sizeof(proc_event))) continue;
      const auto* cn = static_cast<const cn_msg*>(NLMSG_DATA(nh));
      if (cn->id.idx != CN_IDX_PROC || cn->id.val != CN_VAL_PROC) continue;
      proc_event ev;
      std::memcpy(&ev, cn->data, sizeof ev);
      switch (ev.what) {
        case proc_event::PROC_EVENT_NONE:  // the acknowledgement: events will flow
          if (mode_ == Mode::probing) {
            mode_ = Mode::connector;
            loop_.retime(nl_watch_, event::TimePoint::max());
            lost = true;  // rescan once: events between the first scan and now were missed
          }
          break;
        case proc_event::PROC_EVENT_FORK:
          if (ev.event_data.fork.child_pid == ev.event_data.fork.child_tgid) {
            refresh_pid(ev.event_data.fork.child_tgid);
          }
          break;
        case proc_event::PROC_EVENT_EXEC:
          refresh_pid(ev.event_data.exec.process_tgid);
          break;
        case proc_event::PROC_EVENT_COMM:
          if (ev.event_data.comm.process_pid == ev.event_data.comm.process_tgid) {
            refresh_pid(ev.event_data.comm.process_tgid);
          }
          break;
        case proc_event::PROC_EVENT_EXIT:
          if (ev.event_data.exit.process_pid == ev.event_data.exit.process_tgid) {
            forget_pid(ev.event_data.exit.process_tgid);
          }
          break;
        default:
          break;
      }
    }
  }
  if (lost) rescan();
}

void ProcessTracker::schedule_scan() {
  scan_timer_ = loop_.add_timer(options_.scan_interval, [this] {
    rescan();
    schedule_scan();
  });
}

}  // namespace vigil::track
