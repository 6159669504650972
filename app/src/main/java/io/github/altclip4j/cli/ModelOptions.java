package io.github.altclip4j.cli;

import io.github.altclip4j.AltClip;
import io.github.altclip4j.formats.Spelling;
import io.github.altclip4j.model.ModelFolder;
import io.github.altclip4j.model.Towers;
import io.github.altclip4j.weights.WeightFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** The options every model command shares: {@code --model}, {@code --threads}, {@code --weights}, {@code --max-image-pixels}. */
final class ModelOptions {
    private ModelOptions() {}

    /** The library's defaults are the command line's: one owner for each. */
    private static final AltClip.Options DEFAULTS = AltClip.Options.defaults();

    static OptionSpec addTo(OptionSpec spec) {
        return spec.value(
                        "--model",
                        "DIR",
                        "the model folder (config.json, weights, tokenizer, preprocessor config); required",
                        null)
                .integer("--threads", "N", "compute threads", DEFAULTS.threads(), 1, "one per processor")
                .choice("--weights", "FORMAT", "how the weights are held", WeightFormat.class, DEFAULTS.weights())
                .integer(
                        "--max-image-pixels",
                        "N",
                        "refuse images with more pixels, as decoded or as resized (decompression bombs)",
                        DEFAULTS.maxImagePixels(),
                        1);
    }

    /** The model folder, opened (its config read, its checkpoint found) but not loaded. */
    static ModelFolder folder(ParsedArgs a) throws IOException {
        Path p = a.path("--model");
        if (p == null) throw new UsageException("--model DIR is required");
        return ModelFolder.open(p);
    }

    static WeightFormat weights(ParsedArgs a) {
        return a.choice("--weights", WeightFormat.class);
    }

    /** The compute threads asked for; 0 (the default) means one per processor. */
    static int threads(ParsedArgs a) {
        return a.integer("--threads");
    }

    /** Every option checked first, then the model loaded, with its progress on stderr for loads longer than a second. */
    static AltClip load(ParsedArgs a, Console c, Towers towers) throws IOException {
        return load(a, c, folder(a), towers);
    }

    /**
     * The same for a model folder the command opened already (to make its cheap checks before the load), with the
     * towers the command needs (the other's weights are not read).
     */
    static AltClip load(ParsedArgs a, Console c, ModelFolder model, Towers towers) throws IOException {
        long maxPixels = a.longInteger("--max-image-pixels");
        AltClip.Options o = DEFAULTS.withTowers(towers)
                .withThreads(threads(a))
                .withWeights(weights(a))
                .withMaxImagePixels(maxPixels)
                .withWarnings(w -> c.err().println("altclip: warning: " + w));
        long t0 = System.nanoTime();
        LoadProgress progress = new LoadProgress(model.dir(), c);
        AltClip clip = AltClip.load(model, o.withProgress(progress));
        progress.done();
        c.err()
                .printf(
                        Locale.ROOT,
                        "altclip: loaded %s%s in %.2f s%n",
                        model,
                        towers == Towers.BOTH ? "" : " (" + Spelling.of(towers) + " tower)",
                        (System.nanoTime() - t0) / 1e9);
        return clip;
    }
}
