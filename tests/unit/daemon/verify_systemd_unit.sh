#!/bin/sh
# packaging/vigil.service must pass `systemd-analyze verify` (syntax, Type=notify options,
# ExecStart binary present). The unit's /usr/sbin/vigild is pointed at the built binary.
#   usage: verify_systemd_unit.sh UNIT VIGILD
set -eu
command -v systemd-analyze >/dev/null 2>&1 || { echo "systemd-analyze not installed"; exit 77; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
sed "s|/usr/sbin/vigild|$2|" "$1" > "$dir/vigil.service"
out=$(systemd-analyze verify "$dir/vigil.service" 2>&1) || { echo "$out"; exit 1; }
# verify prints warnings without failing; any line about our unit is a problem.
if echo "$out" | grep -q "vigil.service"; then echo "$out"; exit 1; fi
grep -q '^Type=notify$' "$dir/vigil.service"
grep -q '^ExecReload=/bin/kill -HUP \$MAINPID$' "$dir/vigil.service"
grep -q -- '--dont-fork' "$dir/vigil.service"
echo "vigil.service verified"
