#!/usr/bin/env bash
# Installs, with apt-get, every Debian package vigil's build, tests, demo and benchmarks use and the
# machine lacks. Idempotent: a machine that has everything runs no apt command at all.
set -euo pipefail

VIGIL_PACKAGES=(
  # build
  cmake ninja-build g++ clang libclang-rt-14-dev lld pkg-config
  libfmt-dev nlohmann-json3-dev libmnl-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev libev-dev
  # real networks and the real thing to interoperate with
  iproute2 procps keepalived tshark tcpdump
)

vigil_install_deps() {
  local missing=()
  local p
  for p in "${VIGIL_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$p")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  echo "==> installing: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: these packages are missing and installing them needs root: ${missing[*]}" >&2
    return 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # keepalived's package must not start a keepalived of its own on this machine.
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created_policy=1
  fi
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
  [ "$created_policy" = 1 ] && rm -f "$policy"
  return 0
}
