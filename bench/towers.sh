#!/usr/bin/env bash
# Times the whole towers for every row of the target table in docs/performance.md, on JDK 17 and JDK 25 in one sitting:
#   bench/towers.sh [OUT_DIR]
# JDKS (default: the JDK 17 and Temurin 25 under /usr/lib/jvm) lists the Java homes; MODEL (default /tmp/altclip-random,
# made by: bin/altclip random-model --like altclip --tokenizer-from fixtures/tiny-altclip --out /tmp/altclip-random)
# the F32 model; MODEL_INT8 (default /tmp/altclip-int8, made by: bin/altclip convert MODEL MODEL_INT8/model.safetensors
# --dtype int8 after copying MODEL's *.json and *.model into it) the int8 checkpoint, skipped if absent.
# Writes OUT_DIR/bench.txt (one "== jdk name: options" line, then one JSON line, per row), OUT_DIR/classify.txt, the
# load average and the FMA-peak probe (../shared/perf/peak.c, if gcc is there) before and after.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-/tmp/towers-$(date +%s)}"
model="${MODEL:-/tmp/altclip-random}"
model8="${MODEL_INT8:-/tmp/altclip-int8}"
jdks="${JDKS:-/usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/temurin-25-jdk-amd64}"
mkdir -p "$out"
cd "$here"
peak_src="$here/../shared/perf/peak.c"
probe() {
  uptime > "$out/load_$1.txt"
  if [ -f "$peak_src" ] && command -v gcc >/dev/null; then
    [ -x /tmp/peak ] || gcc -O3 -march=native -fopenmp "$peak_src" -o /tmp/peak
    /tmp/peak > "$out/peak_$1.txt" 2>&1
  fi
}
run() {
  local jdk=$1 name=$2; shift 2
  echo "== $(basename "$jdk") $name: $*" >> "$out/bench.txt"
  JAVA_HOME="$jdk" ALTCLIP4J_JAVA_OPTS="${OPTS:-}" bin/altclip bench "$@" 2>/dev/null >> "$out/bench.txt"
}
probe before
cat "$model"/*.safetensors > /dev/null   # into the page cache
for jdk in $jdks; do
  m=(--model "$model" --threads 2)
  run "$jdk" img1 "${m[@]}" --images 1 --texts 0 --warmup 3 --iterations 9
  run "$jdk" img8 "${m[@]}" --images 8 --texts 0 --warmup 1 --iterations 3
  run "$jdk" img1_1thr --model "$model" --threads 1 --images 1 --texts 0 --warmup 2 --iterations 5
  run "$jdk" text11_f32 "${m[@]}" --images 0 --texts 1 --tokens 11 --warmup 5 --iterations 21
  run "$jdk" text11_bf16 "${m[@]}" --weights bf16 --images 0 --texts 1 --tokens 11 --warmup 5 --iterations 21
  run "$jdk" text11_int8 "${m[@]}" --weights int8 --images 0 --texts 1 --tokens 11 --warmup 5 --iterations 21
  run "$jdk" text8x28 "${m[@]}" --images 0 --texts 8 --tokens 28 --warmup 2 --iterations 7
  run "$jdk" img1_int8 "${m[@]}" --weights int8 --images 1 --texts 0 --warmup 3 --iterations 9
  run "$jdk" load_f32 "${m[@]}" --images 0 --texts 0
  OPTS=-Daltclip4j.warmup=false run "$jdk" load_f32_nowarmup "${m[@]}" --images 0 --texts 0
  [ -f "$model8/model.safetensors" ] && run "$jdk" load_int8_checkpoint --model "$model8" --threads 2 --images 0 --texts 0
  for _ in 1 2; do
    JAVA_HOME="$jdk" /usr/bin/time -f "$(basename "$jdk"): wall %e s, peak RSS %M KB" bin/altclip classify --model "$model" \
      fixtures/images/files/rgb_baseline_400x300.jpg "a photo of a cat" "一只狗的照片" "a car" >> "$out/classify.txt" 2>&1
  done
done
probe after
echo "results in $out"
