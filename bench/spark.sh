#!/usr/bin/env bash
# Spark local mode (2 executor cores) against the CLI on the same images: EmbedFolderJob (SparkSession start, model
# load and the job) and `altclip embed` (model load and the embeddings), wall time for each, twice, alternating.
#   bench/spark.sh [IMAGES_FOLDER]     (MODEL defaults to /tmp/altclip-random; JAVA_HOME picks the JDK)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
model="${MODEL:-/tmp/altclip-random}"
images="${1:-$here/fixtures/images/files}"
cd "$here"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
mvn -B -q -o -pl spark dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/altclip4j-spark.cp >/dev/null
cp="target/altclip4j-spark.jar:$(cat /tmp/altclip4j-spark.cp)"
n=$(find "$images" -type f | wc -l)
spark_flags="--add-modules jdk.incubator.vector -XX:+UseParallelGC -Xmn32m -Xmx6g --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED"
for round in 1 2; do
  start=$(date +%s.%N)
  # shellcheck disable=SC2086
  "$java" $spark_flags -Dspark.master='local[2]' -Dspark.ui.enabled=false -Dspark.driver.host=127.0.0.1 \
      -cp "$cp" io.github.altclip4j.spark.examples.EmbedFolderJob \
      "$model" "$images" /tmp/altclip4j-spark-bench.parquet >/dev/null 2>/tmp/altclip4j-spark-bench.log
  spark_s=$(echo "$(date +%s.%N) - $start" | bc)
  start=$(date +%s.%N)
  bin/altclip embed --model "$model" --image "$images" --output /tmp/altclip4j-cli-bench.npy >/dev/null 2>/tmp/altclip4j-cli-bench.log
  cli_s=$(echo "$(date +%s.%N) - $start" | bc)
  spark_load=$(grep -o 'altclip4j: loaded .* in [0-9.]* s' /tmp/altclip4j-spark-bench.log | grep -o '[0-9.]* s$' | tr -d ' s')
  spark_job=$(grep -o 'Job 0 finished.*took [0-9.]* ms' /tmp/altclip4j-spark-bench.log | grep -o '[0-9.]* ms$' | tr -d ' ms')
  cli_load=$(grep -o 'loaded .* in [0-9.]* s' /tmp/altclip4j-cli-bench.log | grep -o '[0-9.]* s$' | tr -d ' s')
  printf '{"round": %d, "images": %d, "spark_local2_wall_s": %.1f, "spark_job_s": %.1f, "spark_model_load_s": %s, "cli_wall_s": %.1f, "cli_model_load_s": %s}\n' \
      "$round" "$n" "$spark_s" "$(echo "$spark_job / 1000" | bc -l)" "$spark_load" "$cli_s" "$cli_load"
done
