#!/usr/bin/env bash
# Times the whole towers for every row of the issue-6 target table (docs/performance.md), on one JDK:
#   bench/towers.sh [OUT_DIR]          (JAVA_HOME picks the JDK; MODEL defaults to /tmp/altclip-random)
# Make the model first: bin/altclip random-model --like altclip --tokenizer-from fixtures/tiny-altclip --out /tmp/altclip-random
# Writes OUT_DIR/bench.txt (one JSON line per row, after a "== name: options" line), OUT_DIR/classify.txt, and the
# FMA-peak probe's output before and after (if ../shared/perf/peak.c is there and gcc is installed).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-/tmp/towers-$(date +%s)}"
model="${MODEL:-/tmp/altclip-random}"
mkdir -p "$out"
cd "$here"
peak_src="$here/../shared/perf/peak.c"
probe() {
  if [ -f "$peak_src" ] && command -v gcc >/dev/null; then
    [ -x /tmp/peak ] || gcc -O3 -march=native -fopenmp "$peak_src" -o /tmp/peak
    /tmp/peak > "$out/$1" 2>&1
  fi
}
run() {
  local name=$1; shift
  echo "== $name: $*" >> "$out/bench.txt"
  bin/altclip bench --model "$model" "$@" 2>/dev/null >> "$out/bench.txt"
}
probe peak_before.txt
cat "$model"/*.safetensors > /dev/null   # into the page cache
run img1_text16 --images 1 --texts 1 --tokens 16 --threads 2 --warmup 3 --iterations 9
run text11 --images 0 --texts 1 --tokens 11 --threads 2 --warmup 5 --iterations 21
run text16_f32 --images 0 --texts 1 --tokens 16 --threads 2 --warmup 5 --iterations 21
run text16_bf16 --weights bf16 --images 0 --texts 1 --tokens 16 --threads 2 --warmup 5 --iterations 21
run text16_f32_b --images 0 --texts 1 --tokens 16 --threads 2 --warmup 5 --iterations 21
run text16_bf16_b --weights bf16 --images 0 --texts 1 --tokens 16 --threads 2 --warmup 5 --iterations 21
run img1_1thr --images 1 --texts 0 --threads 1 --warmup 2 --iterations 5
run img1_2thr --images 1 --texts 0 --threads 2 --warmup 3 --iterations 9
run img8 --images 8 --texts 0 --threads 2 --warmup 1 --iterations 3
run text8x24 --images 0 --texts 8 --tokens 24 --threads 2 --warmup 2 --iterations 7
run text32x16 --images 0 --texts 32 --tokens 16 --threads 2 --warmup 2 --iterations 5
run text32x28 --images 0 --texts 32 --tokens 28 --threads 2 --warmup 2 --iterations 5
run img1_bf16 --weights bf16 --images 1 --texts 0 --threads 2 --warmup 3 --iterations 9
for _ in 1 2 3; do
  /usr/bin/time -f "wall %e s, peak RSS %M KB" bin/altclip classify --model "$model" \
    fixtures/images/files/rgb_baseline_400x300.jpg "a photo of a cat" "一只狗的照片" "a car" >> "$out/classify.txt" 2>&1
done
probe peak_after.txt
echo "results in $out"
