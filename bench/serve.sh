#!/usr/bin/env bash
# Loads altclip serve on loopback with the full-size model: texts at 1, 8 and 32 concurrent clients, images at 1 and 8,
# a text every 0.5 s alone and then behind back-to-back 8-image batches (MixedLoad), then twice 10,000 more text
# requests, with the server's RSS before and after each. Stops by itself.
#   bench/serve.sh [OUT_FILE]       (MODEL defaults to /tmp/altclip-random; JAVA_HOME picks the JDK; ALTCLIP4J_JAR and
#   BENCH_JAR run copies of the JARs, so that a rebuild during the run cannot pull classes from under the server)
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
model="${MODEL:-/tmp/altclip-random}"
out="${1:-/tmp/serve-$(date +%s).txt}"
port=18181
cd "$here"
bin/altclip serve --model "$model" --port $port 2>/tmp/serve-bench.log &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/.well-known/ready" >/dev/null && break; sleep 1; done
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
load() { "$java" -cp "${BENCH_JAR:-bench/target/benchmarks.jar}" io.github.altclip4j.bench.ServerLoad "http://127.0.0.1:$port" "$@" >> "$out"; }
rss() { echo "{\"rss_mb_$1\": $(( $(grep VmRSS /proc/$pid/status | tr -dc 0-9) / 1024 ))}" >> "$out"; }
uptime >> "$out"
load text 1 200 60
load text 8 400 60
load text 32 800 60
load image 1 10 120 fixtures/images/files/rgb_baseline_400x300.jpg
load image 8 32 120 fixtures/images/files/rgb_baseline_400x300.jpg
"$java" -cp "${BENCH_JAR:-bench/target/benchmarks.jar}" io.github.altclip4j.bench.MixedLoad "http://127.0.0.1:$port" 30 \
  fixtures/images/files/rgb_baseline_400x300.jpg >> "$out"
rss before
load text 32 10000 900
rss after_10000
load text 32 10000 900
rss after_20000
cat "$out"
