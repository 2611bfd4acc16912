#!/bin/bash
# Measures vigild's process model beside keepalived 2.2.7, same machine, same invocation:
#   start   : launch (-n) → VRRP child pid in its pidfile
#   respawn : kill -9 of the child → a new child pid in the pidfile (first death: back-off 0 s)
#   stop    : SIGTERM to the parent → parent gone
# Runs each RUNS times (default 5) inside a network namespace it creates and deletes, and prints
# medians in milliseconds. Needs root. Not run by the tests.
#   usage: measure_process_model.sh /path/to/vigild [RUNS]
set -u
VIGILD=${1:?path to vigild}
RUNS=${2:-5}
KEEPALIVED=/usr/sbin/keepalived
NS=vigil-measure-$$
DIR=$(mktemp -d /tmp/vigil-measure-XXXXXX)
cleanup() { ip netns del "$NS" 2>/dev/null; rm -rf "$DIR"; }
trap cleanup EXIT
ip netns add "$NS"
ip -n "$NS" link add d0 type veth peer name d1
ip -n "$NS" link set d0 up; ip -n "$NS" link set d1 up; ip -n "$NS" link set lo up
cat > "$DIR/k.conf" <<'CONF'
vrrp_instance VI_1 {
  state BACKUP
  interface d0
  virtual_router_id 51
  priority 100
  advert_int 1
  virtual_ipaddress {
    10.9.9.9/24
  }
}
CONF

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# wait_for CMD... : polls every 1 ms, gives up after 10 s; prints nothing, returns status
wait_for() { local end=$(( $(now_ms) + 10000 )); until "$@"; do [ "$(now_ms)" -gt "$end" ] && return 1; sleep 0.001; done; }
pid_of() { local p; p=$(cat "$1" 2>/dev/null) || return 1; [ -n "$p" ] && kill -0 "$p" 2>/dev/null && echo "$p"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

measure() {  # $1 = binary; prints "start respawn stop" in ms
  local bin=$1 p=$DIR/p.pid r=$DIR/r.pid t0 c0 c1 parent
  rm -f "$p" "$r"
  t0=$(now_ms)
  TMPDIR=$DIR ip netns exec "$NS" "$bin" -n -G -f "$DIR/k.conf" -p "$p" -r "$r" >/dev/null 2>&1 &
  parent=$!
  wait_for pid_of "$r" >/dev/null || { echo "no start"; return; }
  local start=$(( $(now_ms) - t0 ))
  sleep 0.5  # let it settle (keepalived's child finishes its own start-up after the pidfile)
  c0=$(pid_of "$r"); t0=$(now_ms); kill -9 "$c0"
  wait_for sh -c "c=\$(cat $r 2>/dev/null); [ -n \"\$c\" ] && [ \"\$c\" != $c0 ] && kill -0 \$c 2>/dev/null"
  local respawn=$(( $(now_ms) - t0 ))
  sleep 0.5
  t0=$(now_ms); kill -TERM "$parent"; wait "$parent"
  local stop=$(( $(now_ms) - t0 ))
  echo "$start $respawn $stop"
}

for impl in vigild keepalived; do
  bin=$VIGILD; [ "$impl" = keepalived ] && bin=$KEEPALIVED
  : > "$DIR/$impl.txt"
  for _ in $(seq "$RUNS"); do measure "$bin" >> "$DIR/$impl.txt"; done
done
printf '%-12s %10s %10s %10s   (median of %s runs, ms)\n' impl start respawn stop "$RUNS"
for impl in vigild keepalived; do
  s=$(cut -d' ' -f1 "$DIR/$impl.txt" | median); r=$(cut -d' ' -f2 "$DIR/$impl.txt" | median)
  t=$(cut -d' ' -f3 "$DIR/$impl.txt" | median)
  printf '%-12s %10s %10s %10s\n' "$impl" "$s" "$r" "$t"
done
