// net/socket_util.h — small setsockopt helpers shared by the socket types in src/net.
#pragma once

#include <string_view>

#include "net/result.h"

namespace vigil::net {

// setsockopt(fd, level, opt, &value, sizeof value); the error names `what`.
Status set_int_option(int fd, int level, int opt, int value, std::string_view what);
// SO_BINDTOIFINDEX (Linux 5.0+), falling back to SO_BINDTODEVICE with the name when the kernel
// does not know the option (probed at run time).
Status bind_to_interface(int fd, int ifindex);
// A classic BPF program "return 0": the socket receives nothing (for send-only raw sockets).
Status attach_drop_all_filter(int fd);

}  // namespace vigil::net
