package io.github.altclip4j.cli;

import io.github.altclip4j.formats.JsonWriter;
import io.github.altclip4j.model.AltClipModel;
import io.github.altclip4j.model.ModelFolder;
import io.github.altclip4j.model.Towers;
import io.github.altclip4j.tensor.Backend;
import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.tensor.ThreadPool;
import io.github.altclip4j.weights.AltClipConfig;
import io.github.altclip4j.weights.WeightFormat;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * {@code altclip bench}: times the two towers on synthetic inputs after warm-up and prints one JSON object.
 * One iteration runs one batch through a tower: {@code --batch B} images and B texts, or {@code --images N} and
 * {@code --texts N} per tower (0 skips that tower).
 * GFLOPS count the matrix products only (2 FLOPs per multiply-add; norms, softmax and activations are well under 1%):
 * per image {@code 2 P (C p^2) D} for the patch embedding, per layer {@code 2 S D (3D + D + 2 FF) + 4 S^2 D}
 * with S = patches + 1, then {@code 2 D proj}; per text of L tokens the same layer formula with S = L, then
 * {@code 2 L D P + 2 P proj} for {@code transformation} and {@code text_projection}.
 */
final class BenchCommand implements Command {

    @Override
    public String summary() {
        return "time the image and text towers on synthetic inputs (JSON)";
    }

    @Override
    public String description() {
        return "Loads the model, then times each tower: --warmup untimed batches, then --iterations timed ones. Prints one\n"
                + "JSON object: load_s; per tower the batch, median_s and min_s per batch, gflop per batch and GFLOPS at the\n"
                + "median and the minimum (matrix products only, formula in BenchCommand); heap_peak_mb and peak_rss_mb;\n"
                + "weights_mapped: whether the weights were mapped from a pre-packed file (JDK 22+).\n"
                + "Inputs are synthetic: Gaussian pixels, random token ids from the first 8000 of the vocabulary.";
    }

    @Override
    public OptionSpec options() {
        return ModelOptions.addTo(new OptionSpec())
                .integer("--batch", "B", "images and texts per batch (sets both)", 1, 1)
                .integer("--images", "N", "images per batch; 0 skips the image tower", 0, "--batch")
                .integer("--texts", "N", "texts per batch; 0 skips the text tower", 0, "--batch")
                .integer("--tokens", "L", "tokens per text, <s> and </s> included", 16, 2)
                .integer("--warmup", "W", "untimed batches per tower first", 2, 0)
                .integer("--iterations", "I", "timed batches per tower", 5, 1);
    }

    @Override
    public int run(ParsedArgs a, Console console) throws IOException {
        int batch = a.integer("--batch");
        int images = a.has("--images") ? a.integer("--images") : batch,
                texts = a.has("--texts") ? a.integer("--texts") : batch;
        int tokens = a.integer("--tokens"), warmup = a.integer("--warmup"), iterations = a.integer("--iterations");
        ModelFolder folder = ModelOptions.folder(a);
        WeightFormat weights = ModelOptions.weights(a);
        AltClipConfig c = folder.config();
        if (tokens > c.text().maxTokens()) {
            throw new UsageException("--tokens " + tokens + " is longer than the model's "
                    + c.text().maxTokens() + " positions");
        }
        long t0 = System.nanoTime();
        if (images == 0 && texts == 0) throw new UsageException("--images 0 and --texts 0 leave nothing to time");
        AltClipModel model = AltClipModel.load(
                folder,
                weights,
                images == 0 ? Towers.TEXT : texts == 0 ? Towers.IMAGE : Towers.BOTH, // a skipped tower is not loaded
                w -> console.err().println("altclip: warning: " + w),
                new LoadProgress(folder.dir(), console));
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        int threads = ModelOptions.threads(a) > 0
                ? ModelOptions.threads(a)
                : Runtime.getRuntime().availableProcessors();
        SplittableRandom r = new SplittableRandom(1);
        int size = c.vision().imageSize();
        FloatTensor pixels = FloatTensor.zeros(images, 3, size, size);
        for (int i = 0; i < pixels.size(); i++) pixels.data()[i] = (float) r.nextGaussian();
        int[][] ids = new int[texts][tokens], mask = new int[texts][tokens];
        for (int b = 0; b < texts; b++) {
            for (int t = 0; t < tokens; t++) {
                ids[b][t] = t == 0
                        ? 0
                        : t == tokens - 1 ? 2 : 4 + r.nextInt(Math.min(c.text().vocabSize(), 8000) - 4);
                mask[b][t] = 1;
            }
        }
        double[] image = null, text = null;
        try (ThreadPool pool = new ThreadPool(threads)) {
            if (images > 0) image = time(warmup, iterations, () -> model.imageFeatures(pool, pixels));
            if (texts > 0) text = time(warmup, iterations, () -> model.textFeatures(pool, ids, mask));
        }
        long rss = peakRssKiB();
        console.out()
                .println(new JsonWriter()
                        .any(new Report(
                                folder.toString(),
                                System.getProperty("java.version"),
                                Backend.name(),
                                threads,
                                weights,
                                model.weightsMapped(),
                                round(loadSeconds, 3),
                                image == null ? null : Tower.of(images, null, image, images * imageFlops(c)),
                                text == null ? null : Tower.of(texts, tokens, text, texts * textFlops(c, tokens)),
                                heapPeakBytes() >> 20,
                                rss < 0 ? null : rss >> 10)));
        return 0;
    }

    /** What {@code altclip bench} prints (towers not run, and the RSS where there is no /proc, left out). */
    record Report(
            String model,
            String java,
            String kernels,
            int threads,
            WeightFormat weights,
            boolean weightsMapped,
            double loadS,
            Tower image,
            Tower text,
            long heapPeakMb,
            Long peakRssMb) {}

    /** One tower's batch, its median and best seconds, and the work done (GFLOP) and rate (GFLOPS) at each. */
    record Tower(
            int batch,
            Integer tokens,
            double medianS,
            double minS,
            double gflop,
            double gflopsAtMedian,
            double gflopsAtMin) {
        static Tower of(int batch, Integer tokens, double[] seconds, double flops) {
            return new Tower(
                    batch,
                    tokens,
                    significant(seconds[0]),
                    significant(seconds[1]),
                    flops / 1e9,
                    significant(flops / seconds[0] / 1e9),
                    significant(flops / seconds[1] / 1e9));
        }
    }

    /** Four significant digits: a tiny model's batch takes microseconds, which fixed decimals would print as 0. */
    private static double significant(double v) {
        return v == 0 ? 0 : new BigDecimal(v).round(new MathContext(4)).doubleValue();
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    /** The sum of the heap pools' peak usage since start (an upper bound of the heap's peak; load included). */
    private static long heapPeakBytes() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null)
                sum += p.getPeakUsage().getUsed();
        }
        return sum;
    }

    /** The process's peak resident set (VmHWM) in KiB, or -1 where /proc is not there. */
    private static long peakRssKiB() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: leave it out
        }
        return -1;
    }

    /** Median and minimum seconds over {@code iterations} runs after {@code warmup} runs. */
    private static double[] time(int warmup, int iterations, Runnable run) {
        for (int i = 0; i < warmup; i++) run.run();
        double[] s = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            long t = System.nanoTime();
            run.run();
            s[i] = (System.nanoTime() - t) / 1e9;
        }
        Arrays.sort(s);
        return new double[] {s[iterations / 2], s[0]};
    }

    static double layerFlops(double seq, double d, double ff) {
        return 2 * seq * d * (3 * d + d + 2 * ff) + 4 * seq * seq * d;
    }

    static double imageFlops(AltClipConfig c) {
        AltClipConfig.VisionConfig v = c.vision();
        double patches = v.numPositions() - 1, d = v.hiddenSize();
        return 2 * patches * v.numChannels() * v.patchSize() * v.patchSize() * d
                + v.numHiddenLayers() * layerFlops(patches + 1, d, v.intermediateSize())
                + 2 * d * c.projectionDim();
    }

    static double textFlops(AltClipConfig c, int tokens) {
        AltClipConfig.TextConfig t = c.text();
        double d = t.hiddenSize();
        return t.numHiddenLayers() * layerFlops(tokens, d, t.intermediateSize())
                + 2.0 * tokens * d * t.projectDim()
                + 2.0 * t.projectDim() * c.projectionDim();
    }
}
