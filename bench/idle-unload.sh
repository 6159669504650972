#!/usr/bin/env bash
# `altclip serve --lazy --idle-unload`: the server's RSS and each first request's latency as the towers come and go.
# Ready with nothing loaded; a text (loads the text tower); another; idle; an image (loads the image tower); idle.
#   bench/idle-unload.sh [MODEL] [IDLE_SECONDS]   (defaults: /tmp/altclip-random, 5; JAVA_HOME picks the JDK; extra
#   serve options in SERVE_OPTS, e.g. SERVE_OPTS="--weights int8")
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
model="${1:-/tmp/altclip-random}"
idle="${2:-5}"
port=18199
cd "$here"
# shellcheck disable=SC2086
bin/altclip serve --model "$model" --lazy --idle-unload "$idle" --port $port ${SERVE_OPTS:-} 2>/tmp/idle-unload.log &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/.well-known/ready" >/dev/null && break; sleep 0.5; done
jvm=$(pgrep -P $pid java || echo $pid)
state() {
  printf '%-40s RSS %5d MB, towers in memory: %s\n' "$1" $(( $(grep VmRSS /proc/$jvm/status | tr -dc 0-9) / 1024 )) \
    "$(curl -s "http://127.0.0.1:$port/info" | python3 -c 'import json, sys; print(json.load(sys.stdin)["towers_in_memory"])')"
}
timed() { # LABEL PATH BODY
  local t0 t1; t0=$(date +%s.%N); curl -sf "http://127.0.0.1:$port$2" -d "$3" > /dev/null; t1=$(date +%s.%N)
  state "$1 ($(printf '%.2f' "$(echo "$t1 - $t0" | bc)") s)"
}
uptime
state "ready"
timed "first text" /embed '{"inputs": "a cat"}'
timed "second text" /embed '{"inputs": "a cat"}'
sleep $((idle + 3)); state "idle $((idle + 3)) s"
timed "first image" /vectorize "{\"images\": [\"$(base64 -w0 fixtures/images/files/rgb_baseline_400x300.jpg)\"]}"
sleep $((idle + 3)); state "idle $((idle + 3)) s"
