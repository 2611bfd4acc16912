#include "address_watch.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

namespace vigil::daemon::test {

AddressWatch::AddressWatch(const std::string& netns) {
  const int here = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  const int there = ::open(("/run/netns/" + netns).c_str(), O_RDONLY | O_CLOEXEC);
  if (here >= 0 && there >= 0 && ::setns(there, CLONE_NEWNET) == 0) {
    fd_ = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
    sockaddr_nl sa{};
    sa.nl_family = AF_NETLINK;
    sa.nl_groups = RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR;
    if (fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
    if (fd_ >= 0) {
      const int big = 1 << 20;  // a burst of changes must not overflow (ENOBUFS would hide events)
      ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);
    }
    (void)::setns(here, CLONE_NEWNET);
  }
  if (here >= 0) ::close(here);
  if (there >= 0) ::close(there);
}

AddressWatch::~AddressWatch() {
  if (fd_ >= 0) ::close(fd_);
}

void AddressWatch::poll() {
  if (fd_ < 0) return;
  alignas(nlmsghdr) char buf[65536];
  for (;;) {
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      if (n < 0 && errno == ENOBUFS) {
        events_.push_back({false, "<overrun>", 0});  // lost events: fail any "never removed" check
        continue;
      }
      return;
    }
    int len = static_cast<int>(n);
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
      if (h->nlmsg_type != RTM_NEWADDR && h->nlmsg_type != RTM_DELADDR) continue;
      auto* ifa = static_cast<ifaddrmsg*>(NLMSG_DATA(h));
      Event ev{h->nlmsg_type == RTM_NEWADDR, "", static_cast<int>(ifa->ifa_index)};
      int alen = static_cast<int>(IFA_PAYLOAD(h));
      for (auto* a = IFA_RTA(ifa); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
        if (a->rta_type != IFA_LOCAL && a->rta_type != IFA_ADDRESS) continue;
        char text[INET6_ADDRSTRLEN] = {};
        ::inet_ntop(ifa->ifa_family, RTA_DATA(a), text, sizeof text);
        ev.address = text;
        if (a->rta_type == IFA_LOCAL) break;  // IFA_LOCAL is the address itself on IPv4
      }
      events_.push_back(std::move(ev));
    }
  }
}

int AddressWatch::count(const std::string& address, bool added) {
  poll();
  int n = 0;
  for (const auto& e : events_) {
    if (e.added == added && (e.address == address || e.address == "<overrun>")) ++n;
  }
  return n;
}

}  // namespace vigil::daemon::test
