package io.github.altclip4j.bench;

import io.github.altclip4j.model.AltClipModel;
import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.tensor.ThreadPool;
import io.github.altclip4j.weights.WeightFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The two towers of a full-size model folder (make one with
 * {@code bin/altclip random-model --like altclip --tokenizer-from fixtures/tiny-altclip --out /tmp/altclip-random}):
 * the image tower on {@code batch} synthetic images, the text tower on {@code batch} texts of {@code tokens} tokens.
 * {@code bin/altclip bench} reports the same as JSON with GFLOPS.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {
            LauncherFlags.ADD_MODULES,
            LauncherFlags.VECTOR_API,
            LauncherFlags.GC,
            LauncherFlags.YOUNG_GEN,
            "-Xmx8g"
        })
public class ModelBench {

    @Param({"/tmp/altclip-random"})
    public String model;

    @Param({"2"})
    public int threads;

    /** {@code as-stored}, {@code f32}, {@code bf16} or {@code f16}. */
    @Param({"as-stored"})
    public String weights;

    private AltClipModel clip;
    private ThreadPool pool;

    @Setup(Level.Trial)
    public void load() throws IOException {
        Path dir = Paths.get(model);
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException(dir + " not found: make it with bin/altclip random-model --like altclip "
                    + "--tokenizer-from fixtures/tiny-altclip --out " + dir);
        }
        clip = AltClipModel.load(dir, WeightFormat.parse(weights), w -> {});
        pool = new ThreadPool(threads);
    }

    @TearDown(Level.Trial)
    public void close() {
        pool.close();
    }

    @State(Scope.Benchmark)
    public static class Images {
        @Param({"1", "8"})
        public int batch;

        FloatTensor pixels;

        @Setup(Level.Trial)
        public void make(ModelBench b) {
            int size = b.clip.config().vision().imageSize();
            pixels = FloatTensor.zeros(batch, 3, size, size);
            SplittableRandom r = new SplittableRandom(1);
            for (int i = 0; i < pixels.size(); i++) pixels.data()[i] = (float) r.nextGaussian();
        }
    }

    @State(Scope.Benchmark)
    public static class Texts {
        @Param({"1", "32"})
        public int batch;

        @Param({"16", "77"})
        public int tokens;

        int[][] ids, mask;

        @Setup(Level.Trial)
        public void make() {
            SplittableRandom r = new SplittableRandom(2);
            ids = new int[batch][tokens];
            mask = new int[batch][tokens];
            for (int b = 0; b < batch; b++) {
                for (int t = 0; t < tokens; t++) {
                    ids[b][t] = t == 0 ? 0 : t == tokens - 1 ? 2 : 4 + r.nextInt(7990);
                    mask[b][t] = 1;
                }
            }
        }
    }

    @Benchmark
    public FloatTensor imageTower(Images in) {
        return clip.imageFeatures(pool, in.pixels).features();
    }

    @Benchmark
    public FloatTensor textTower(Texts in) {
        return clip.textFeatures(pool, in.ids, in.mask).features();
    }
}
