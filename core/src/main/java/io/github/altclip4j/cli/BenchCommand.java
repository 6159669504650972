package io.github.altclip4j.cli;

import io.github.altclip4j.model.AltClipModel;
import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.tensor.ThreadPool;
import io.github.altclip4j.weights.AltClipConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Locale;
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

    @Override public String summary() { return "time the image and text towers on synthetic inputs (JSON)"; }

    @Override public String usage() { return "--model DIR [--batch B] [--images N] [--texts N] [--tokens L] [--threads T] [--warmup W] [--iterations I] [--weights as-stored|f32|bf16|f16|int8]"; }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        ModelArgs m = new ModelArgs();
        int batch = 1, images = -1, texts = -1, tokens = 16, warmup = 2, iterations = 5;
        for (int i = 0; i < args.length; i++) {
            int used = m.accept(args, i);
            if (used >= 0) {
                i = used;
                continue;
            }
            String v = ModelArgs.value(args, i + 1, args[i]);
            switch (args[i]) {
                case "--batch": batch = Args.positiveInt(args[i], v); break;
                case "--images": images = Args.nonNegativeInt(args[i], v); break;
                case "--texts": texts = Args.nonNegativeInt(args[i], v); break;
                case "--tokens": tokens = Args.positiveInt(args[i], v); break;
                case "--warmup": warmup = Args.nonNegativeInt(args[i], v); break;
                case "--iterations": iterations = Args.positiveInt(args[i], v); break;
                default: throw new UsageException("unknown argument '" + args[i] + "'");
            }
            i++;
        }
        if (images < 0) images = batch;
        if (texts < 0) texts = batch;
        if (tokens < 2) throw new UsageException("--tokens needs at least 2 (<s> and </s>), got " + tokens);
        if (m.model == null) throw new UsageException("--model DIR is required");
        long t0 = System.nanoTime();
        AltClipModel model = AltClipModel.load(m.model, m.weights, w -> err.println("altclip: warning: " + w));
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        AltClipConfig c = model.config();
        int threads = m.threads > 0 ? m.threads : Runtime.getRuntime().availableProcessors();
        int maxTokens = c.text().maxPositionEmbeddings() - c.text().padTokenId() - 1;   // RoBERTa positions start after pad
        if (tokens > maxTokens) throw new UsageException("--tokens " + tokens + " is longer than the model's " + maxTokens + " positions");
        SplittableRandom r = new SplittableRandom(1);
        int size = c.vision().imageSize();
        FloatTensor pixels = FloatTensor.zeros(images, 3, size, size);
        for (int i = 0; i < pixels.size(); i++) pixels.data()[i] = (float) r.nextGaussian();
        int[][] ids = new int[texts][tokens], mask = new int[texts][tokens];
        for (int b = 0; b < texts; b++) {
            for (int t = 0; t < tokens; t++) {
                ids[b][t] = t == 0 ? 0 : t == tokens - 1 ? 2 : 4 + r.nextInt(Math.min(c.text().vocabSize(), 8000) - 4);
                mask[b][t] = 1;
            }
        }
        double[] image = null, text = null;
        try (ThreadPool pool = new ThreadPool(threads)) {
            if (images > 0) image = time(warmup, iterations, () -> model.imageFeatures(pool, pixels));
            if (texts > 0) text = time(warmup, iterations, () -> model.textFeatures(pool, ids, mask));
        }
        StringBuilder json = new StringBuilder();
        json.append(String.format(Locale.ROOT, "{\"model\": \"%s\", \"java\": \"%s\", \"kernels\": \"%s\", \"threads\": %d, \"weights\": \"%s\", \"load_s\": %.3f",
                jsonEscape(m.model.toString()), System.getProperty("java.version"), io.github.altclip4j.tensor.Backend.name(), threads,
                m.weights.name().toLowerCase(Locale.ROOT).replace('_', '-'), loadSeconds));
        if (image != null) json.append(String.format(Locale.ROOT, ", \"image\": {\"batch\": %d, %s}", images, timing(image, images * imageFlops(c))));
        if (text != null) json.append(String.format(Locale.ROOT, ", \"text\": {\"batch\": %d, \"tokens\": %d, %s}", texts, tokens, timing(text, texts * textFlops(c, tokens))));
        json.append(String.format(Locale.ROOT, ", \"heap_peak_mb\": %d", heapPeakBytes() >> 20));
        long rss = peakRssKiB();
        if (rss >= 0) json.append(String.format(Locale.ROOT, ", \"peak_rss_mb\": %d", rss >> 10));
        out.println(json.append('}'));
        return 0;
    }

    private static String timing(double[] seconds, double flops) {
        return String.format(Locale.ROOT, "\"median_s\": %.4f, \"min_s\": %.4f, \"gflop\": %.9g, \"gflops_at_median\": %.4g, \"gflops_at_min\": %.4g",
                seconds[0], seconds[1], flops / 1e9, flops / seconds[0] / 1e9, flops / seconds[1] / 1e9);
    }

    private static String jsonEscape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** The sum of the heap pools' peak usage since start (an upper bound of the heap's peak; load included). */
    private static long heapPeakBytes() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) sum += p.getPeakUsage().getUsed();
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
                + v.numHiddenLayers() * layerFlops(patches + 1, d, v.intermediateSize()) + 2 * d * c.projectionDim();
    }

    static double textFlops(AltClipConfig c, int tokens) {
        AltClipConfig.TextConfig t = c.text();
        double d = t.hiddenSize();
        return t.numHiddenLayers() * layerFlops(tokens, d, t.intermediateSize())
                + 2.0 * tokens * d * t.projectDim() + 2.0 * t.projectDim() * c.projectionDim();
    }
}
