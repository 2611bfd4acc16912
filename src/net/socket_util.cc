#include "net/socket_util.h"

#include <linux/filter.h>
#include <net/if.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace vigil::net {
namespace {
constexpr int kSoBindToIfindex = 62;  // SO_BINDTOIFINDEX, uapi asm-generic/socket.h (Linux 5.0)
}  // namespace

Status set_int_option(int fd, int level, int opt, int value, std::string_view what) {
  if (::setsockopt(fd, level, opt, &value, sizeof value) != 0) {
    return errno_error(fmt::format("setsockopt({}, {})", what, value));
  }
  return {};
}

Status bind_to_interface(int fd, int ifindex) {
  if (::setsockopt(fd, SOL_SOCKET, kSoBindToIfindex, &ifindex, sizeof ifindex) == 0) return {};
  if (errno != ENOPROTOOPT) return errno_error(fmt::format("setsockopt(SO_BINDTOIFINDEX, {})", ifindex));
  char name[IF_NAMESIZE] = {};
  if (::if_indextoname(static_cast<unsigned>(ifindex), name) == nullptr) {
    return errno_error(fmt::format("if_indextoname({})", ifindex));
  }
  if (::setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, name, static_cast<socklen_t>(std::strlen(name))) != 0) {
    return errno_error(fmt::format("setsockopt(SO_BINDTODEVICE, {})", name));
  }
  return {};
}

Status attach_drop_all_filter(int fd) {
  sock_filter code[] = {{BPF_RET | BPF_K, 0, 0, 0}};
  sock_fprog prog{1, code};
  if (::setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) != 0) {
    return errno_error("setsockopt(SO_ATTACH_FILTER, drop all)");
  }
  return {};
}

}  // namespace vigil::net
