#include "daemon/child_link.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <charconv>
#include <cstring>
#include <vector>

namespace vigil::daemon {

namespace {

// Reports: the fields in a fixed order, each ended by NUL (configuration words hold no NUL).
constexpr std::size_t kReportFields = 13;
// Larger than any report (a few paths); a longer datagram is malformed.
constexpr std::size_t kMaxMessage = 64 * 1024;

void put(std::string& out, std::string_view field) {
  out.append(field);
  out.push_back('\0');
}

void put_flag(std::string& out, bool flag) { put(out, flag ? std::string_view("1") : std::string_view("0")); }

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

std::string encode_report(const ChildReport& r) {
  std::string out;
  const ProcessSettings& s = r.settings;
  put_flag(out, r.usable);
  put_flag(out, r.has_instances);
  put(out, s.net_namespace);
  put(out, s.instance);
  put_flag(out, s.use_pid_dir);
  put(out, s.state_dump_file);
  put(out, s.stats_dump_file);
  put(out, s.json_dump_file);
  put_flag(out, s.data_use_instance);
  put_flag(out, s.reload_check_config);
  put(out, s.reload_check_log);
  put(out, r.router_id);
  put(out, std::to_string(r.child_wait_time.count()));
  return out;
}

std::optional<ChildReport> decode_report(std::string_view bytes) {
  std::vector<std::string_view> f;
  while (!bytes.empty()) {
    const std::size_t end = bytes.find('\0');
    if (end == std::string_view::npos) return std::nullopt;  // every field ends with NUL
    f.push_back(bytes.substr(0, end));
    bytes.remove_prefix(end + 1);
  }
  if (f.size() != kReportFields) return std::nullopt;
  auto flag = [](std::string_view v) { return v == "1"; };
  ChildReport r;
  r.usable = flag(f[0]);
  r.has_instances = flag(f[1]);
  r.settings.net_namespace = f[2];
  r.settings.instance = f[3];
  r.settings.use_pid_dir = flag(f[4]);
  r.settings.state_dump_file = f[5];
  r.settings.stats_dump_file = f[6];
  r.settings.json_dump_file = f[7];
  r.settings.data_use_instance = flag(f[8]);
  r.settings.reload_check_config = flag(f[9]);
  r.settings.reload_check_log = f[10];
  r.router_id = f[11];
  long long ms = 0;
  const auto [ptr, ec] = std::from_chars(f[12].data(), f[12].data() + f[12].size(), ms);
  if (ec != std::errc() || ptr != f[12].data() + f[12].size() || ms < 0) return std::nullopt;
  r.child_wait_time = std::chrono::milliseconds(ms);
  return r;
}

bool make_link(int fds[2]) {
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds) != 0) return false;
  return true;
}

bool send_message(int sock, char kind, std::string_view payload, int fd) {
  std::string head(1 + sizeof(pid_t), '\0');
  head[0] = kind;
  const pid_t self = ::getpid();
  std::memcpy(head.data() + 1, &self, sizeof self);
  iovec iov[2] = {{head.data(), head.size()},
                  {const_cast<char*>(payload.data()), payload.size()}};
  msghdr msg{};
  msg.msg_iov = iov;
  msg.msg_iovlen = payload.empty() ? 1 : 2;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  if (fd >= 0) {
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
  }
  for (;;) {
    const ssize_t n = ::sendmsg(sock, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    return n == static_cast<ssize_t>(head.size() + payload.size());
  }
}

Received receive_message(int sock, LinkMessage& out, bool wait) {
  for (;;) {
    if (wait) {
      pollfd p{sock, POLLIN, 0};
      if (::poll(&p, 1, -1) < 0 && errno != EINTR) return Received::closed;
    }
    // The datagram's size first (no control buffer: a peek installs no descriptor).
    char probe = 0;
    iovec piov{&probe, 1};
    msghdr peek{};
    peek.msg_iov = &piov;
    peek.msg_iovlen = 1;
    const ssize_t size = ::recvmsg(sock, &peek, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
    if (size < 0 && errno == EINTR) continue;
    if (size < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return Received::none;
    if (size <= 0) return Received::closed;  // 0: the peer closed its end
    std::string buf(std::min<std::size_t>(static_cast<std::size_t>(size), kMaxMessage), '\0');
    iovec iov{buf.data(), buf.size()};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 4)];
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    const ssize_t n = ::recvmsg(sock, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Received::none;
    int fd = -1;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
      const std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      for (std::size_t i = 0; i < count; ++i) {
        int got = -1;
        std::memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof got);
        if (fd < 0) {
          fd = got;
        } else {
          ::close(got);  // one per message: more is not ours
        }
      }
    }
    if ((msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0 || static_cast<std::size_t>(n) < 1 + sizeof(pid_t)) {
      if (fd >= 0) ::close(fd);
      continue;  // malformed: skip it
    }
    out.kind = buf[0];
    std::memcpy(&out.pid, buf.data() + 1, sizeof out.pid);
    out.payload.assign(buf.data() + 1 + sizeof(pid_t), static_cast<std::size_t>(n) - 1 - sizeof(pid_t));
    out.fd = fd;
    return Received::message;
  }
}

// Layout: for each file, its path, NUL, its size in decimal, NUL, its bytes.
int snapshot_to_memfd(const FileTexts& files) {
  const int fd = ::memfd_create("vigil-config", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) return -1;
  bool ok = true;
  for (const auto& [path, text] : files) {
    std::string head = path;
    head.push_back('\0');
    head += std::to_string(text.size());
    head.push_back('\0');
    ok = ok && write_all(fd, head) && write_all(fd, text);
  }
  ok = ok && ::fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) == 0;
  if (!ok) {
    ::close(fd);
    return -1;
  }
  return fd;
}

std::optional<FileTexts> snapshot_from_fd(int fd) {
  struct stat st {};
  if (fd < 0 || ::fstat(fd, &st) != 0 || st.st_size < 0) return std::nullopt;
  std::string all(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t got = 0;
  while (got < all.size()) {
    const ssize_t n = ::pread(fd, all.data() + got, all.size() - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;
    got += static_cast<std::size_t>(n);
  }
  FileTexts files;
  std::string_view rest = all;
  while (!rest.empty()) {
    const std::size_t p = rest.find('\0');
    if (p == std::string_view::npos) return std::nullopt;
    const std::string_view path = rest.substr(0, p);
    rest.remove_prefix(p + 1);
    const std::size_t q = rest.find('\0');
    if (q == std::string_view::npos) return std::nullopt;
    std::size_t size = 0;
    const auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + q, size);
    if (ec != std::errc() || ptr != rest.data() + q) return std::nullopt;
    rest.remove_prefix(q + 1);
    if (size > rest.size()) return std::nullopt;
    files.emplace(std::string(path), std::string(rest.substr(0, size)));
    rest.remove_prefix(size);
  }
  return files;
}

}  // namespace vigil::daemon
