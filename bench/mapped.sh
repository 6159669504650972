#!/usr/bin/env bash
# Weights mapped from the pre-packed file (JDK 22+) against the same weights in the heap, on one JDK:
#   1. the first load, which writes the pre-packed file;
#   2. RUNS fresh-JVM loads from the warm file (load_s, heap peak);
#   3. the towers' speed, mapped and heap side by side (pairs interleaved; `altclip bench`, the minimum of each run);
#   4. two `serve` JVMs on the same model, mapped, each having run a text and an image: what each holds privately
#      (/proc/PID/smaps_rollup) and what they share.
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 bench/mapped.sh [MODEL] [OUT_DIR]
#   (defaults: /tmp/altclip-random, /tmp/mapped-run; RUNS=5 PAIRS=4 WEIGHTS=as-stored)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
model="${1:-/tmp/altclip-random}"
out="${2:-/tmp/mapped-run}"
runs="${RUNS:-5}"
pairs="${PAIRS:-4}"
weights="${WEIGHTS:-as-stored}"
cd "$here"
mkdir -p "$out"
export ALTCLIP4J_CACHE="$out/cache"
rm -rf "$ALTCLIP4J_CACHE"

field() { # FILE KEY: a number from `altclip bench`'s JSON (the tower's when KEY is image.X or text.X)
  python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): d = d[k]
print(d)' "$1" "$2"
}
bench() { # OUT_FILE CACHE ARGS...: one fresh JVM
  local file=$1 cache=$2; shift 2
  ALTCLIP4J_CACHE="$cache" bin/altclip bench --model "$model" --weights "$weights" "$@" >"$file" 2>>"$out/bench.log"
}

echo "== $(date -u +%FT%TZ), $(uptime | sed 's/.*load/load/'), $("${JAVA_HOME:+$JAVA_HOME/bin/}java" -version 2>&1 | head -1)"
echo "== 1. first load (writes the pre-packed file)"
bench "$out/first.json" "$ALTCLIP4J_CACHE" --images 1 --texts 1 --iterations 1 --warmup 0
grep -o "wrote the pre-packed.*" "$out/bench.log" || { echo "no pre-packed file written: JDK 22+ and a JAR built on it?"; exit 1; }
echo "load_s $(field "$out/first.json" load_s), heap peak $(field "$out/first.json" heap_peak_mb) MB"

echo "== 2. loads from the warm file, $runs fresh JVMs"
for i in $(seq 1 "$runs"); do
  bench "$out/load-$i.json" "$ALTCLIP4J_CACHE" --images 1 --texts 1 --iterations 1 --warmup 0
  echo "load_s $(field "$out/load-$i.json" load_s), mapped $(field "$out/load-$i.json" weights_mapped), heap peak $(field "$out/load-$i.json" heap_peak_mb) MB, $(uptime | sed 's/.*load/load/')"
done

echo "== 3. towers, heap vs mapped, $pairs interleaved pairs (min of 7 iterations per JVM)"
for shape in "--images 1 --texts 1 --tokens 11" "--images 8 --texts 8 --tokens 28"; do
  for i in $(seq 1 "$pairs"); do
    bench "$out/heap.json" off $shape --iterations 7
    bench "$out/mapped.json" "$ALTCLIP4J_CACHE" $shape --iterations 7
    python3 - "$out/heap.json" "$out/mapped.json" "$shape" "$(uptime | sed 's/.*load/load/')" <<'EOF'
import json, sys
h, m = (json.load(open(f)) for f in sys.argv[1:3])
assert not h["weights_mapped"] and m["weights_mapped"]
row = [f"{t} b{h[t]['batch']}: heap {h[t]['min_s']:.4f} s, mapped {m[t]['min_s']:.4f} s, mapped/heap {m[t]['min_s'] / h[t]['min_s']:.3f}" for t in ("image", "text")]
print(f"{sys.argv[3]}: " + "; ".join(row) + f" ({sys.argv[4]})")
EOF
  done
done

echo "== 4. two serve JVMs on the same model, mapped"
pids=()
for port in 18301 18302; do
  bin/altclip serve --model "$model" --weights "$weights" --port $port 2>>"$out/serve.log" &
  pids+=($!)
done
trap 'kill "${pids[@]}" 2>/dev/null' EXIT
image="$(base64 -w0 fixtures/images/files/rgb_baseline_400x300.jpg)"
for port in 18301 18302; do
  for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$port/.well-known/ready" >/dev/null && break; sleep 0.5; done
  curl -sf "http://127.0.0.1:$port/embed" -d '{"inputs": "a cat"}' >/dev/null
  curl -sf "http://127.0.0.1:$port/vectorize" -d "{\"images\": [\"$image\"]}" >/dev/null
done
for pid in "${pids[@]}"; do
  jvm=$(pgrep -P "$pid" java || echo "$pid")
  awk -v pid="$jvm" '/^(Rss|Pss|Shared_Clean|Shared_Dirty|Private_Clean|Private_Dirty):/ {v[$1] = $2}
    END {printf "JVM %s: RSS %d MB, PSS %d MB, shared %d MB, private %d MB\n", pid, v["Rss:"] / 1024, v["Pss:"] / 1024,
      (v["Shared_Clean:"] + v["Shared_Dirty:"]) / 1024, (v["Private_Clean:"] + v["Private_Dirty:"]) / 1024}' \
    "/proc/$jvm/smaps_rollup"
done
