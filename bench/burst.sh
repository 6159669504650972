#!/usr/bin/env bash
# Bursts against altclip serve on loopback: 150 and 500 clients connecting at once, each posting
# /v1/embeddings with 4 base64 JPEGs ("modality": "image"), then 500 posting one text. Every request must end in an
# HTTP status with a JSON body (200, 429 or 503), never a reset, a timeout or a connection closed without an answer.
#   bench/burst.sh [OUT_FILE]
# MODEL (default /tmp/altclip-random; fixtures/tiny-altclip for the tiny model), QUEUE (serve's --queue, default its
# own), ALTCLIP4J_JAR / BENCH_JAR (copies of the JARs), JAVA_HOME. Prints and appends one JSON line per burst.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
model="${MODEL:-/tmp/altclip-random}"
out="${1:-/tmp/burst-$(date +%s).txt}"
port=18183
cd "$here"
bin/altclip serve --model "$model" --port $port ${QUEUE:+--queue "$QUEUE"} 2>/tmp/burst-serve.log &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
for _ in $(seq 1 180); do curl -sf "http://127.0.0.1:$port/.well-known/ready" >/dev/null && break; sleep 1; done
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
burst() { "$java" -cp "${BENCH_JAR:-bench/target/benchmarks.jar}" io.github.altclip4j.bench.Burst "127.0.0.1:$port" "$@" | tee -a "$out"; }
uptime >> "$out"
burst 150 fixtures/images/files/rgb_baseline_400x300.jpg
burst 500 fixtures/images/files/rgb_baseline_400x300.jpg
burst 500
echo "{\"server_rss_mb\": $(( $(grep VmRSS /proc/$pid/status | tr -dc 0-9) / 1024 ))}" | tee -a "$out"
