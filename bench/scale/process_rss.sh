#!/bin/bash
# RSS of vigild's parent and VRRP child at 1,000 instances (issue 8), per mapping, from
# /proc/PID/smaps — figures that CPU noise does not move. One namespace of its own (created and
# deleted here), four veth pairs, the bench's 1,000-instance configuration (state BACKUP,
# advert_int 1, VRRPv3). Needs root. Not run by the tests.
#   usage: [DETAIL=1] process_rss.sh /path/to/vigild [SETTLE_SECONDS]   (default 6: all MASTER by then)
set -u
VIGILD=${1:?path to vigild}
SETTLE=${2:-6}
NS=vigil-rss-$$
DIR=$(mktemp -d /tmp/vigil-rss-XXXXXX)
PARENT=
cleanup() {
  [ -n "$PARENT" ] && kill -TERM "$PARENT" 2>/dev/null && wait "$PARENT" 2>/dev/null
  ip netns del "$NS" 2>/dev/null; rm -rf "$DIR"
}
trap cleanup EXIT
ip netns add "$NS"
ip -n "$NS" link set lo up
for k in 0 1 2 3; do
  ip -n "$NS" link add eth$k type veth peer name p$k
  ip -n "$NS" link set p$k up
  ip -n "$NS" link set eth$k up
  ip -n "$NS" addr add 10.$((100 + k)).0.1/16 dev eth$k
done
{
  printf 'global_defs {\n  router_id a\n}\n'
  for k in 0 1 2 3; do
    for v in $(seq 1 250); do
      printf 'vrrp_instance VI_%d_%d {\n  state BACKUP\n  interface eth%d\n  virtual_router_id %d\n  priority 150\n  advert_int 1\n  version 3\n  virtual_ipaddress {\n    10.%d.1.%d/16\n  }\n}\n' \
        $k $v $k $v $((100 + k)) $v
    done
  done
} > "$DIR/k.conf"
TMPDIR=$DIR ip netns exec "$NS" "$VIGILD" -n -l -P -G -f "$DIR/k.conf" -p "$DIR/p.pid" -r "$DIR/r.pid" \
  >"$DIR/log" 2>&1 &
PARENT=$!
sleep "$SETTLE"
CHILD=$(cat "$DIR/r.pid" 2>/dev/null)
[ -n "$CHILD" ] || { echo "no child"; cat "$DIR/log"; exit 1; }
report() {  # $1 = label, $2 = pid
  echo "== $1 (pid $2)"
  grep -E '^(Rss|Pss|Anonymous|Private_Clean|Shared_Clean):' "/proc/$2/smaps_rollup" | tr -s ' ' | paste -sd' '
  awk '/^[0-9a-f]+-[0-9a-f]+ /{name=$6; if (name=="") name="[anon]"} /^Rss:/{r[name]+=$2} END{for (n in r) if (r[n] > 0) printf "  %6d kB  %s\n", r[n], n}' \
    "/proc/$2/smaps" | sort -rn
}
report parent "$PARENT"
report child "$CHILD"
# DETAIL=1: the parent's mappings one by one (text, rodata, data of each file apart).
[ -n "${DETAIL:-}" ] && awk '/^[0-9a-f]+-[0-9a-f]+ /{perm=$2; name=$6} /^Rss:/{if ($2 > 0) printf "  %6d kB %s %s\n", $2, perm, name}' \
  "/proc/$PARENT/smaps"
