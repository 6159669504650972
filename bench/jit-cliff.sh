#!/usr/bin/env bash
# Is the speed there in every JVM? Starts RUNS fresh JVMs (default 20) of two jobs, alone and then three at a time,
# and reports the distribution of their times:
#   index  `altclip index` of a folder of 20 synthetic photos (bench/MakePhotos.java) into a new index: wall time
#   bench  `altclip bench --images 1 --texts 0 --warmup 1 --iterations 3`: the image tower's median batch time
#   bench/jit-cliff.sh [OUT_DIR]
# MODEL (default /tmp/altclip-random, see bench/towers.sh) is the model; JAVA_HOME picks the JDK. Writes
# OUT_DIR/times.tsv (job, mode, run, seconds, FMA peak in GFLOPS measured just before) and OUT_DIR/summary.txt, and
# exits 0 when the targets hold: in each job the worst run alone within 1.3x the median alone, and the worst run in
# threes within 5x the median alone. The host's own speed drifts (its FMA peak read 131-200 GFLOPS within one hour
# here), so each run alone is also given as seconds x the peak measured before it (../shared/perf/peak.c, 2 threads),
# and the targets are judged on those peak-normalised times.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-/tmp/jit-cliff-$(date +%s)}"
model="${MODEL:-/tmp/altclip-random}"
runs="${RUNS:-20}"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
mkdir -p "$out"
cd "$here"
[ -d "$out/photos" ] || "$java" bench/MakePhotos.java "$out/photos" 20
cat "$model"/*.safetensors > /dev/null # into the page cache
# On JDK 22+ the first load writes the pre-packed weights file (docs/formats.md): written here, once, so that every run
# below maps it, as a user's runs after the first do.
export ALTCLIP4J_CACHE="${ALTCLIP4J_CACHE:-$out/cache}"
bin/altclip bench --model "$model" --images 1 --texts 0 --warmup 0 --iterations 1 > /dev/null 2>&1
uptime > "$out/load_before.txt"
# The FMA peak probe; on a CPU without AVX-512 its AVX-512 rows are left out (they stop it with SIGILL).
peak_src="$here/../shared/perf/peak.c"
peak_bin="$out/peak"
if [ -f "$peak_src" ] && command -v gcc >/dev/null; then
  if grep -q avx512f /proc/cpuinfo; then cp "$peak_src" "$out/peak.c"; else sed 's/bench("avx512"/if (0) bench("avx512"/' "$peak_src" > "$out/peak.c"; fi
  gcc -O3 -march=native -fopenmp "$out/peak.c" -o "$peak_bin" || peak_bin=""
else
  peak_bin=""
fi
# peak: the 2-thread AVX FMA peak in GFLOPS (the best of the probe's rows), or 0 without the probe
peak() {
  [ -n "$peak_bin" ] || { echo 0; return; }
  "$peak_bin" | awk '/threads=2/ { for (i = 1; i <= NF; i++) if ($i ~ /^median=/) { v = substr($i, 8); if (v == "") v = $(i + 1); if (v + 0 > best) best = v + 0 } } END { print best + 0 }'
}
"$java" -version 2> "$out/java.txt"

# job NAME RUN: runs one job and prints its seconds (bench: the JSON's image median_s; index: wall time)
job() {
  local name=$1 run=$2
  case "$name" in
    index)
      local t0 t1
      rm -rf "$out/index_$run"
      t0=$(date +%s.%N)
      bin/altclip index --model "$model" --index "$out/index_$run" "$out/photos" > "$out/index_$run.log" 2>&1
      t1=$(date +%s.%N)
      rm -rf "$out/index_$run"
      awk "BEGIN { print $t1 - $t0 }" ;;
    bench)
      bin/altclip bench --model "$model" --images 1 --texts 0 --warmup 1 --iterations 3 2> "$out/bench_$run.log" \
        | python3 -c 'import json, sys; print(json.load(sys.stdin)["image"]["median_s"])' ;;
  esac
}

for name in index bench; do
  for run in $(seq 1 "$runs"); do
    p=$(peak)
    printf '%s\talone\t%s\t%s\t%s\n' "$name" "$run" "$(job "$name" "a$run")" "$p" >> "$out/times.tsv"
  done
  run=1
  while [ "$run" -le "$runs" ]; do
    for i in 0 1 2; do
      [ $((run + i)) -le "$runs" ] || break
      (printf '%s\tthrees\t%s\t%s\t\n' "$name" "$((run + i))" "$(job "$name" "t$((run + i))")" >> "$out/times.tsv") &
    done
    wait
    run=$((run + 3))
  done
done
uptime > "$out/load_after.txt"

python3 - "$out" <<'PY'
import statistics, sys
out = sys.argv[1]
rows = [l.split('\t') for l in open(out + '/times.tsv').read().split('\n') if l]
ok = True
lines = []
for name in ('index', 'bench'):
    alone = sorted(float(r[3]) for r in rows if r[0] == name and r[1] == 'alone' and r[3])
    threes = sorted(float(r[3]) for r in rows if r[0] == name and r[1] == 'threes' and r[3])
    peaks = [float(r[4]) for r in rows if r[0] == name and r[1] == 'alone' and r[3] and len(r) > 4 and r[4]]
    med = statistics.median(alone)
    worst_alone, worst_threes = alone[-1] / med, threes[-1] / med
    line = (f"{name}: alone n={len(alone)} min {alone[0]:.2f} median {med:.2f} max {alone[-1]:.2f} s "
            f"(worst {worst_alone:.2f}x median); threes n={len(threes)} min {threes[0]:.2f} median "
            f"{statistics.median(threes):.2f} max {threes[-1]:.2f} s (worst {worst_threes:.2f}x the median alone)")
    if peaks and min(peaks) > 0:  # judged on seconds x peak: the host's drift taken out
        work = sorted(float(r[3]) * float(r[4]) for r in rows if r[0] == name and r[1] == 'alone' and r[3] and r[4])
        wmed = statistics.median(work)
        worst_alone = work[-1] / wmed
        worst_threes = threes[-1] / med
        line += (f"; host peak {min(peaks):.0f}-{max(peaks):.0f} GFLOPS; seconds x peak: worst alone "
                 f"{worst_alone:.2f}x median")
    good = worst_alone <= 1.3 and worst_threes <= 5
    ok &= good
    lines.append(line + (" ok" if good else " MISSED"))
open(out + '/summary.txt', 'w').write('\n'.join(lines) + '\n')
print('\n'.join(lines))
sys.exit(0 if ok else 1)
PY
