#!/bin/sh
# vigild loads libc only (and ld.so, its interpreter, mapped anyway; src/daemon/CMakeLists.txt,
# fmt_inline.cc): every process of the daemon maps what it loads, and libfmt.so brings
# libstdc++.so, libm and libgcc_s (~1.3 MB of RSS per process). A call into one of libfmt's
# out-of-line functions other than fmt::vformat links them back in silently: this fails then,
# naming what came back.
#   usage: verify_needed_libs.sh /path/to/vigild
bin=${1:?path to vigild}
command -v readelf >/dev/null 2>&1 || exit 77
extra=$(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | grep -v -e '^libc\.so\.6$' -e '^ld-linux')
if [ -n "$extra" ]; then
  echo "vigild needs more than libc: $extra"
  exit 1
fi
