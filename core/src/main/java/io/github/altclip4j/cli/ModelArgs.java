package io.github.altclip4j.cli;

import io.github.altclip4j.AltClip;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import io.github.altclip4j.weights.WeightFormat;

/** The options every model command shares: {@code --model DIR}, {@code --threads N}, {@code --weights FORMAT}. */
final class ModelArgs {
    Path model;
    int threads;
    WeightFormat weights = WeightFormat.AS_STORED;

    /** Consumes a shared option at {@code args[i]}; returns the index of its last word, or -1 if it is not one. */
    int accept(String[] args, int i) {
        switch (args[i]) {
            case "--model":
                model = Paths.get(value(args, i + 1, "--model"));
                return i + 1;
            case "--threads":
                threads = Args.positiveInt("--threads", value(args, i + 1, "--threads"));
                return i + 1;
            case "--weights":
                try {
                    weights = WeightFormat.parse(value(args, i + 1, "--weights"));
                } catch (IllegalArgumentException e) {
                    throw new UsageException(e.getMessage());
                }
                return i + 1;
            default:
                return -1;
        }
    }

    AltClip load(PrintStream err) throws IOException {
        if (model == null) throw new UsageException("--model DIR is required");
        long t0 = System.nanoTime();
        AltClip clip = AltClip.load(model, new AltClip.Options(threads, weights, io.github.altclip4j.image.ImageDecoder.DEFAULT_MAX_PIXELS,
                w -> err.println("altclip: warning: " + w)));
        err.printf("altclip: loaded %s in %.2f s%n", model, (System.nanoTime() - t0) / 1e9);
        return clip;
    }

    static String value(String[] args, int i, String option) {
        if (i >= args.length) throw new UsageException(option + " needs a value");
        return args[i];
    }
}
