#!/usr/bin/env bash
# Spark on a real standalone cluster, from the JARs Maven brings (no Spark download): a master and two workers as
# separate JVMs on 127.0.0.1, then three jobs submitted to them with the model folder shipped as an archive (the
# documented way: spark.archives MODEL.tgz#NAME, the job given the relative NAME): EmbedFolderJob (the image
# embedder), ClassifyFolderJob (the zero-shot classifier) and EmbedTextsJob (the text embedder). Exits 0 only when
# every check holds:
#   1. every readable image's embedding equals `altclip embed`'s, bit for bit;
#   2. each executor JVM loaded the model at most once per job (however many tasks it ran; the embedding job's
#      every executor exactly once), and no driver did;
#   3. an unreadable image has its error in the error column and the job still succeeds;
#   4. every image's label probabilities equal `altclip classify`'s, and every text's embedding `altclip embed`'s.
# It prints the cluster's throughput beside local[2]'s on the same images.
#   bench/spark-cluster.sh [MODEL] [IMAGES]   (defaults: fixtures/tiny-altclip, fixtures/images/files; JAVA_HOME picks the JDK)
# The full-size model needs more memory, or int8 weights (WEIGHTS is the jobs' and altclip embed's --weights):
#   WEIGHTS=int8 WORKER_MEMORY=4g EXECUTOR_MEMORY=3g DRIVER_MEMORY=4g bench/spark-cluster.sh /tmp/altclip-random
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
model="$(cd "${1:-$here/fixtures/tiny-altclip}" && pwd)"
images_src="${2:-$here/fixtures/images/files}"
cd "$here"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
work="$(mktemp -d /tmp/altclip4j-spark-cluster.XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

[ -f target/altclip4j-spark.jar ] || mvn -B -q -o package -DskipTests
mvn -B -q -o -pl spark dependency:build-classpath -Dmdep.includeScope=provided -Dmdep.outputFile="$work/spark.cp" >/dev/null
# A Spark home the workers launch executors from: jars/ holds Spark's JARs (what a distribution's jars/ holds).
mkdir -p "$work/home/jars"
tr ':' '\n' < "$work/spark.cp" | while read -r j; do ln -sf "$j" "$work/home/jars/"; done
export SPARK_HOME="$work/home" SPARK_SCALA_VERSION=2.13
opens="--add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED"
cp="$work/home/jars/*"

# The images, with one that cannot be decoded; the model folder's contents as an archive (unpacked as NAME/).
mkdir -p "$work/good" "$work/images"
cp "$images_src"/* "$work/good/"
cp "$work/good"/* "$work/images/"
printf 'not a JPEG' > "$work/images/zz_broken.jpg"
tar -C "$model" -czf "$work/model.tgz" .
name="$(basename "$model")"
weights="${WEIGHTS:-as-stored}"

# shellcheck disable=SC2086
"$java" $opens -cp "$cp" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port 7177 --webui-port 8190 \
    > "$work/master.log" 2>&1 & pids+=($!)
for i in $(seq 1 60); do grep -q "I have been elected leader" "$work/master.log" && break; sleep 0.5; done
for w in 1 2; do
  # shellcheck disable=SC2086
  "$java" $opens -cp "$cp" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores 1 --memory "${WORKER_MEMORY:-2g}" \
      --work-dir "$work/worker$w" --webui-port $((8190 + w)) spark://127.0.0.1:7177 > "$work/worker$w.log" 2>&1 & pids+=($!)
done
for w in 1 2; do for i in $(seq 1 60); do grep -q "Successfully registered with master" "$work/worker$w.log" && break; sleep 0.5; done; done

flags="--add-modules=jdk.incubator.vector $opens"
run_job() { # MASTER LOG CLASS ARGS...: the job's wall seconds
  local master="$1" log="$2" class="$3" start; shift 3; start=$(date +%s.%N)
  # shellcheck disable=SC2086
  "$java" --add-modules jdk.incubator.vector $opens -Xmx"${DRIVER_MEMORY:-2g}" -Dspark.master="$master" -Dspark.driver.host=127.0.0.1 \
      -Dspark.ui.enabled=false -Dspark.jars="$here/target/altclip4j-spark.jar" -Dspark.executor.memory="${EXECUTOR_MEMORY:-1500m}" \
      -Dspark.executor.cores=1 -Dspark.executor.extraJavaOptions="$flags" -Dspark.archives="$work/model.tgz#$name" \
      -cp "$here/target/altclip4j-spark.jar:$(cat "$work/spark.cp")" "io.github.altclip4j.spark.examples.$class" \
      "$@" > "$log" 2>&1
  echo "$(date +%s.%N) - $start" | bc
}
labels=("一只猫的照片" "a photo of a dog" "a red car")
printf '%s\n' "一只在沙发上睡觉的猫" "a golden retriever in the snow" "城市夜景" "hello" > "$work/texts.txt"
# on the cluster the executors find the model as the archive's NAME in their working folders; local[2] reads it in place
cluster_s=$(cd "$work" && run_job spark://127.0.0.1:7177 "$work/driver.log" EmbedFolderJob "$name" "$work/images" "$work/cluster.json" "$weights")
local_s=$(cd "$work" && run_job 'local[2]' "$work/local.log" EmbedFolderJob "$model" "$work/images" "$work/local.json" "$weights")
(cd "$work" && run_job spark://127.0.0.1:7177 "$work/classify-driver.log" ClassifyFolderJob "$name" "$work/images" "$work/classified.json" "$weights" "${labels[@]}") > /dev/null
(cd "$work" && run_job spark://127.0.0.1:7177 "$work/texts-driver.log" EmbedTextsJob "$name" "$work/texts.txt" "$work/texts.json" "$weights") > /dev/null

bin/altclip embed --model "$model" --weights "$weights" --image "$work/good" --output "$work/cli.json" > /dev/null 2>&1
bin/altclip classify --model "$model" --weights "$weights" --json --image "$work/good" "${labels[@]}" > "$work/cli-classify.json" 2>/dev/null
bin/altclip embed --model "$model" --weights "$weights" --texts-file "$work/texts.txt" --output "$work/cli-texts.json" > /dev/null 2>&1
n=$(find "$work/images" -type f | wc -l)
python3 - "$work" "$n" "$cluster_s" "$local_s" "${labels[@]}" <<'PY'
import glob, json, os, struct, sys
work, n, cluster_s, local_s = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
labels = sys.argv[5:]
f32 = lambda xs: [struct.unpack('<I', struct.pack('<f', x))[0] for x in xs]
cli = {os.path.basename(i['path']): f32(i['embedding']) for i in json.load(open(f'{work}/cli.json'))['images']}
rows = [json.loads(l) for p in glob.glob(f'{work}/cluster.json/part-*') for l in open(p)]
ok = True
def check(what, good):
    global ok
    print(('ok    ' if good else 'FAIL  ') + what)
    ok &= good
check(f'{len(rows)} rows for {n} images', len(rows) == n)
broken = [r for r in rows if r['path'].endswith('zz_broken.jpg')]
check('the unreadable image has an error and no embedding', len(broken) == 1 and broken[0].get('error') and not broken[0].get('embedding'))
same = [os.path.basename(r['path']) for r in rows if r.get('embedding') and f32(r['embedding']) == cli.get(os.path.basename(r['path']))]
check(f'{len(same)} of {len(cli)} embeddings equal altclip embed\'s bit for bit', len(same) == len(cli) == n - 1)
loads = {}  # application (one per job) -> model loads per executor JVM
for p in glob.glob(f'{work}/worker*/app-*/*/stderr'):
    loads.setdefault(p.split('/')[-3], []).append(open(p).read().count('altclip4j: loaded'))
apps = [loads[a] for a in sorted(loads)]  # application ids sort in submission order
check(f'model loads per executor, by job: {apps}', len(apps) == 3 and len(apps[0]) >= 2 and all(v == 1 for v in apps[0])
      and all(max(a) == 1 and min(a) >= 0 for a in apps))
check('no driver loaded a model', all('altclip4j: loaded' not in open(f'{work}/{d}').read()
                                      for d in ('driver.log', 'classify-driver.log', 'texts-driver.log')))
cli_p = {os.path.basename(i['image']): {l['label']: l['probability'] for l in i['labels']}
         for i in json.load(open(f'{work}/cli-classify.json'))}
classified = [json.loads(l) for p in glob.glob(f'{work}/classified.json/part-*') for l in open(p)]
same = [r for r in classified if r.get('probabilities') and os.path.basename(r['path']) in cli_p
        and f32(r['probabilities']) == f32([cli_p[os.path.basename(r['path'])][l] for l in labels])
        and r['label'] == max(cli_p[os.path.basename(r['path'])], key=cli_p[os.path.basename(r['path'])].get)]
check(f'{len(same)} of {len(cli_p)} images classified as altclip classify does, probabilities bit for bit', len(same) == len(cli_p) == n - 1)
cli_t = {t['text']: f32(t['embedding']) for t in json.load(open(f'{work}/cli-texts.json'))['texts']}
texts = [json.loads(l) for p in glob.glob(f'{work}/texts.json/part-*') for l in open(p)]
same = [t for t in texts if f32(t['embedding']) == cli_t.get(t['value'])]
check(f'{len(same)} of {len(cli_t)} text embeddings equal altclip embed\'s bit for bit', len(same) == len(cli_t) == len(texts) == 4)
print(json.dumps({'images': n, 'cluster_2_workers_wall_s': round(cluster_s, 1), 'local2_wall_s': round(local_s, 1),
                  'cluster_images_per_s': round(n / cluster_s, 2), 'local_images_per_s': round(n / local_s, 2)}))
sys.exit(0 if ok else 1)
PY
