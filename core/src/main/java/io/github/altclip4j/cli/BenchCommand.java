package io.github.altclip4j.cli;

import io.github.altclip4j.model.AltClipModel;
import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.tensor.ThreadPool;
import io.github.altclip4j.weights.AltClipConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code altclip bench}: times the two towers on synthetic inputs after warm-up and prints one JSON object.
 * GFLOPS count the matrix products only (2 FLOPs per multiply-add; norms, softmax and activations are well under 1%):
 * per image {@code 2 P (C p^2) D} for the patch embedding, per layer {@code 2 S D (3D + D + 2 FF) + 4 S^2 D}
 * with S = patches + 1, then {@code 2 D proj}; per text of L tokens the same layer formula with S = L, then
 * {@code 2 L D P + 2 P proj} for {@code transformation} and {@code text_projection}.
 */
final class BenchCommand implements Command {

    @Override public String summary() { return "time the image and text towers on synthetic inputs (JSON)"; }

    @Override public String usage() { return "--model DIR [--batch B] [--texts B] [--tokens L] [--threads T] [--warmup W] [--iterations I] [--weights as-stored|f32|bf16|f16]"; }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        ModelArgs m = new ModelArgs();
        int batch = 1, texts = 1, tokens = 16, warmup = 2, iterations = 5;
        for (int i = 0; i < args.length; i++) {
            int used = m.accept(args, i);
            if (used >= 0) {
                i = used;
                continue;
            }
            String v = ModelArgs.value(args, i + 1, args[i]);
            switch (args[i]) {
                case "--batch": case "--images": batch = Args.positiveInt(args[i], v); break;
                case "--texts": texts = Args.positiveInt(args[i], v); break;
                case "--tokens": tokens = Args.positiveInt(args[i], v); break;
                case "--warmup": warmup = Integer.parseInt(v); break;
                case "--iterations": iterations = Args.positiveInt(args[i], v); break;
                default: throw new UsageException("unknown argument '" + args[i] + "'");
            }
            i++;
        }
        if (m.model == null) throw new UsageException("--model DIR is required");
        long t0 = System.nanoTime();
        AltClipModel model = AltClipModel.load(m.model, m.weights, w -> err.println("altclip: warning: " + w));
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        AltClipConfig c = model.config();
        int threads = m.threads > 0 ? m.threads : Runtime.getRuntime().availableProcessors();
        SplittableRandom r = new SplittableRandom(1);
        int size = c.vision().imageSize();
        FloatTensor pixels = FloatTensor.zeros(batch, 3, size, size);
        for (int i = 0; i < pixels.size(); i++) pixels.data()[i] = (float) r.nextGaussian();
        int[][] ids = new int[texts][tokens], mask = new int[texts][tokens];
        for (int b = 0; b < texts; b++) {
            for (int t = 0; t < tokens; t++) {
                ids[b][t] = t == 0 ? 0 : t == tokens - 1 ? 2 : 4 + r.nextInt(Math.min(c.text().vocabSize(), 8000) - 4);
                mask[b][t] = 1;
            }
        }
        double[] image, text;
        try (ThreadPool pool = new ThreadPool(threads)) {
            image = time(warmup, iterations, () -> model.imageFeatures(pool, pixels));
            text = time(warmup, iterations, () -> model.textFeatures(pool, ids, mask));
        }
        double imageFlops = batch * imageFlops(c), textFlops = texts * textFlops(c, tokens);
        Runtime rt = Runtime.getRuntime();
        out.printf(Locale.ROOT, "{\"model\": \"%s\", \"java\": \"%s\", \"kernels\": \"%s\", \"threads\": %d, \"load_s\": %.3f, "
                        + "\"image\": {\"batch\": %d, \"median_s\": %.4f, \"min_s\": %.4f, \"gflop\": %.2f, \"gflops_at_median\": %.1f}, "
                        + "\"text\": {\"batch\": %d, \"tokens\": %d, \"median_s\": %.4f, \"min_s\": %.4f, \"gflop\": %.3f, \"gflops_at_median\": %.1f}, "
                        + "\"heap_used_mb\": %d}%n",
                m.model, System.getProperty("java.version"), io.github.altclip4j.tensor.Backend.name(), threads, loadSeconds,
                batch, image[0], image[1], imageFlops / 1e9, imageFlops / image[0] / 1e9,
                texts, tokens, text[0], text[1], textFlops / 1e9, textFlops / text[0] / 1e9,
                (rt.totalMemory() - rt.freeMemory()) >> 20);
        return 0;
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
