// net/mnl_subset.cc — the part of libmnl's API that src/net calls (netlink.cc, netlink_monitor.cc,
// netlink_request.cc), implemented here so that vigild's two processes do not map libmnl.so
// (three mappings, ~28 KB of RSS each) and start-up loads one shared library less. Debian ships
// libmnl only as a shared library. Written from libmnl's documented behaviour; the
// declarations come from <libmnl/libmnl.h>, so a signature that drifts fails to compile, and a
// libmnl function src/net starts using without adding it here fails to link.
#include <libmnl/libmnl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

struct mnl_socket {
  int fd;
  sockaddr_nl addr;
};

namespace {

nlattr* tail_of(nlmsghdr* nlh) {
  return reinterpret_cast<nlattr*>(reinterpret_cast<char*>(nlh) + MNL_ALIGN(nlh->nlmsg_len));
}

}  // namespace

extern "C" {

// ---- sockets ----

mnl_socket* mnl_socket_open2(int bus, int flags) {
  auto* nl = static_cast<mnl_socket*>(std::calloc(1, sizeof(mnl_socket)));
  if (nl == nullptr) return nullptr;
  nl->fd = ::socket(AF_NETLINK, SOCK_RAW | flags, bus);
  if (nl->fd < 0) {
    const int err = errno;
    std::free(nl);
    errno = err;
    return nullptr;
  }
  return nl;
}

// Binds, then reads back the address the kernel chose (the port id when pid is
// MNL_SOCKET_AUTOPID) for mnl_socket_get_portid.
int mnl_socket_bind(mnl_socket* nl, unsigned int groups, pid_t pid) {
  sockaddr_nl want{};
  want.nl_family = AF_NETLINK;
  want.nl_groups = groups;
  want.nl_pid = static_cast<__u32>(pid);
  if (::bind(nl->fd, reinterpret_cast<sockaddr*>(&want), sizeof want) < 0) return -1;
  socklen_t len = sizeof nl->addr;
  if (::getsockname(nl->fd, reinterpret_cast<sockaddr*>(&nl->addr), &len) < 0) return -1;
  if (len != sizeof nl->addr || nl->addr.nl_family != AF_NETLINK) {
    errno = EINVAL;
    return -1;
  }
  return 0;
}

int mnl_socket_close(mnl_socket* nl) {
  const int r = ::close(nl->fd);
  std::free(nl);
  return r;
}

int mnl_socket_get_fd(const mnl_socket* nl) { return nl->fd; }

unsigned int mnl_socket_get_portid(const mnl_socket* nl) { return nl->addr.nl_pid; }

// To the kernel (port id 0).
ssize_t mnl_socket_sendto(const mnl_socket* nl, const void* req, size_t siz) {
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  return ::sendto(nl->fd, req, siz, 0, reinterpret_cast<const sockaddr*>(&kernel), sizeof kernel);
}

// One datagram; a truncated one is an error (ENOSPC), as is a sender address that is not netlink's.
ssize_t mnl_socket_recvfrom(const mnl_socket* nl, void* buf, size_t siz) {
  sockaddr_nl from{};
  iovec iov{buf, siz};
  msghdr msg{};
  msg.msg_name = &from;
  msg.msg_namelen = sizeof from;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  const ssize_t n = ::recvmsg(nl->fd, &msg, 0);
  if (n < 0) return n;
  if ((msg.msg_flags & MSG_TRUNC) != 0) {
    errno = ENOSPC;
    return -1;
  }
  if (msg.msg_namelen != sizeof from) {
    errno = EINVAL;
    return -1;
  }
  return n;
}

int mnl_socket_setsockopt(const mnl_socket* nl, int type, void* buf, socklen_t len) {
  return ::setsockopt(nl->fd, SOL_NETLINK, type, buf, len);
}

// ---- building messages ----

nlmsghdr* mnl_nlmsg_put_header(void* buf) {
  const unsigned len = MNL_NLMSG_HDRLEN;
  std::memset(buf, 0, len);
  auto* nlh = static_cast<nlmsghdr*>(buf);
  nlh->nlmsg_len = len;
  return nlh;
}

void* mnl_nlmsg_put_extra_header(nlmsghdr* nlh, size_t size) {
  const size_t len = MNL_ALIGN(size);
  char* p = reinterpret_cast<char*>(nlh) + nlh->nlmsg_len;
  nlh->nlmsg_len += static_cast<__u32>(len);
  std::memset(p, 0, len);
  return p;
}

// An attribute of len payload bytes at the message's tail, padded with zeroes to 4 bytes;
// false (the message unchanged) when it would not fit in buflen.
bool mnl_attr_put_check(nlmsghdr* nlh, size_t buflen, uint16_t type, size_t len, const void* data) {
  if (nlh->nlmsg_len + MNL_ATTR_HDRLEN + MNL_ALIGN(len) > buflen) return false;
  nlattr* attr = tail_of(nlh);
  const size_t attr_len = MNL_ATTR_HDRLEN + len;
  attr->nla_type = type;
  attr->nla_len = static_cast<uint16_t>(attr_len);
  char* payload = reinterpret_cast<char*>(attr) + MNL_ATTR_HDRLEN;
  if (len > 0) std::memcpy(payload, data, len);
  if (const size_t pad = MNL_ALIGN(len) - len; pad > 0) std::memset(payload + len, 0, pad);
  nlh->nlmsg_len += static_cast<__u32>(MNL_ALIGN(attr_len));
  return true;
}

bool mnl_attr_put_u8_check(nlmsghdr* nlh, size_t buflen, uint16_t type, uint8_t data) {
  return mnl_attr_put_check(nlh, buflen, type, sizeof data, &data);
}

bool mnl_attr_put_u32_check(nlmsghdr* nlh, size_t buflen, uint16_t type, uint32_t data) {
  return mnl_attr_put_check(nlh, buflen, type, sizeof data, &data);
}

bool mnl_attr_put_strz_check(nlmsghdr* nlh, size_t buflen, uint16_t type, const char* data) {
  return mnl_attr_put_check(nlh, buflen, type, std::strlen(data) + 1, data);
}

// A nested attribute's header (NLA_F_NESTED set); mnl_attr_nest_end sets its length once the
// attributes inside it are in place.
nlattr* mnl_attr_nest_start_check(nlmsghdr* nlh, size_t buflen, uint16_t type) {
  if (nlh->nlmsg_len + MNL_ATTR_HDRLEN > buflen) return nullptr;
  nlattr* start = tail_of(nlh);
  start->nla_type = static_cast<uint16_t>(NLA_F_NESTED | type);
  nlh->nlmsg_len += MNL_ATTR_HDRLEN;
  return start;
}

void mnl_attr_nest_end(nlmsghdr* nlh, nlattr* start) {
  start->nla_len = static_cast<uint16_t>(reinterpret_cast<char*>(tail_of(nlh)) - reinterpret_cast<char*>(start));
}

}  // extern "C"
