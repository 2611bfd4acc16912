// fmt's out-of-line formatting entry point, compiled into vigild itself (vigild's link options,
// src/daemon/CMakeLists.txt). Debian ships libfmt only as a shared library, and libfmt.so pulls
// libstdc++.so in: loading and relocating both costs ~1 ms of every `vigild -t` (of ~6). Here
// fmt's own header-only build emits fmt::vformat — all the compiled code (vigil's libraries
// included) calls into libfmt for — so with --as-needed vigild links neither .so, and with
// -static-libstdc++ loads only libc and libmnl. If code later calls another of libfmt's
// out-of-line functions, the link simply keeps libfmt.so again: slower to start, still correct.
#define FMT_HEADER_ONLY
#include <fmt/format.h>

namespace {
// Taking the address makes the compiler emit the (inline, header-only) definition.
[[gnu::used]] auto* const kVformat =
    static_cast<std::string (*)(fmt::string_view, fmt::format_args)>(&fmt::vformat);
}  // namespace
