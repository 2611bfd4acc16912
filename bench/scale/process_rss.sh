#!/bin/bash
# RSS of vigild's parent and VRRP child at 1,000 instances (issue 8), per mapping, from
# /proc/PID/smaps — figures that CPU noise does not move. One namespace of its own (created and
# deleted here), four veth pairs, the bench's 1,000-instance configuration (state BACKUP,
# advert_int 1, VRRPv3). Needs root. Not run by the tests.
# Then RELOADS (default 10) reloads with the configuration unchanged, timed as the bench times
# them: SIGHUP then the JSON signal to the parent → the dump file written, minus the median of
# plain dumps; medians printed (this lab has no peer router: no capture competing for the CPU).
#   usage: [DETAIL=1] [RELOADS=N] process_rss.sh /path/to/vigild [SETTLE_SECONDS]   (default 6)
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
TMPDIR=$DIR ip netns exec "$NS" "$VIGILD" -n -l -D -P -G -f "$DIR/k.conf" -p "$DIR/p.pid" -r "$DIR/r.pid" \
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
python3 - "$PARENT" "$DIR/keepalived.json" "${RELOADS:-10}" "$CHILD" <<'PY'
import os, signal, statistics, sys, time
parent, path, runs, child = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
def cpu_ns(pid):  # on-CPU time of the process's main thread (schedstat: ns, not ticks)
    with open(f"/proc/{pid}/task/{pid}/schedstat") as f: return int(f.read().split()[0])
jsonsig = signal.SIGRTMIN + 2
def timed(hup):
    try: os.unlink(path)
    except FileNotFoundError: pass
    t0 = time.monotonic()
    if hup: os.kill(parent, signal.SIGHUP)
    os.kill(parent, jsonsig)
    while not os.path.exists(path):
        if time.monotonic() - t0 > 10: raise SystemExit("no dump within 10 s")
        time.sleep(0.0002)
    took = (time.monotonic() - t0) * 1000
    time.sleep(0.5)  # the child trims 200 ms after a reload
    return took
c0, p0 = cpu_ns(child), cpu_ns(parent)
dumps = [timed(False) for _ in range(runs)]
c1, p1 = cpu_ns(child), cpu_ns(parent)
reloads = [timed(True) for _ in range(runs)]
c2, p2 = cpu_ns(child), cpu_ns(parent)
d = statistics.median(dumps)
print(f"== CPU per dump: child {(c1 - c0) / runs / 1e6:.2f} ms, parent {(p1 - p0) / runs / 1e6:.3f} ms; "
      f"per reload (+ its dump, + the trim after it): child {(c2 - c1) / runs / 1e6:.2f} ms, parent {(p2 - p1) / runs / 1e6:.3f} ms")
print(f"== reload (config unchanged), {runs} runs: dump {d:.1f} ms; HUP+dump median {statistics.median(reloads):.1f} ms, "
      f"max {max(reloads):.1f} ms; reload = {statistics.median(reloads) - d:.1f} ms (max {max(reloads) - d:.1f})")
PY
grep -o 'Reload: .*' "$DIR/log" | tail -"${RELOADS:-10}" | sed 's/^/  /'
