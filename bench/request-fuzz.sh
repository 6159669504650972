#!/usr/bin/env bash
# 10,000 mixed valid and malformed requests (RequestFuzz: fuzzed JSON, wrong types, huge and empty arrays, bad base64,
# bodies cut short) against altclip serve on loopback, in ten rounds of 1,000, with the server's RSS and thread count
# after each round: every request sent whole must be answered 2xx/4xx with a JSON body, and RSS and threads stay flat.
#   bench/request-fuzz.sh [OUT_FILE]
# MODEL (default fixtures/tiny-altclip), ALTCLIP4J_JAR / BENCH_JAR (copies of the JARs), JAVA_HOME.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
model="${MODEL:-fixtures/tiny-altclip}"
out="${1:-/tmp/request-fuzz-$(date +%s).txt}"
port=18184
cd "$here"
bin/altclip serve --model "$model" --port $port 2>/tmp/request-fuzz-serve.log &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
for _ in $(seq 1 180); do curl -sf "http://127.0.0.1:$port/.well-known/ready" >/dev/null && break; sleep 1; done
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
uptime >> "$out"
for round in $(seq 1 10); do
  "$java" -cp "${BENCH_JAR:-bench/target/benchmarks.jar}" io.github.altclip4j.bench.RequestFuzz "127.0.0.1:$port" 1000 16 \
    fixtures/images/files/rgb_baseline_400x300.jpg "$round" | tee -a "$out"
  echo "{\"round\": $round, \"rss_mb\": $(( $(grep VmRSS /proc/$pid/status | tr -dc 0-9) / 1024 )), \"threads\": $(grep Threads /proc/$pid/status | tr -dc 0-9)}" | tee -a "$out"
done
