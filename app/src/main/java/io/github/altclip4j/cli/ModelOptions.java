package io.github.altclip4j.cli;

import io.github.altclip4j.AltClip;
import io.github.altclip4j.image.ImageDecoder;
import io.github.altclip4j.model.ModelFolder;
import io.github.altclip4j.weights.WeightFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** The options every model command shares: {@code --model}, {@code --threads}, {@code --weights}, {@code --max-image-pixels}. */
final class ModelOptions {
    private ModelOptions() {}

    static OptionSpec addTo(OptionSpec spec) {
        return spec.value(
                        "--model",
                        "DIR",
                        "the model folder (config.json, weights, tokenizer, preprocessor config); required",
                        null)
                .value("--threads", "N", "compute threads", "one per processor")
                .value("--weights", "FORMAT", "hold the weights as-stored, f32, bf16, f16 or int8", "as-stored")
                .value(
                        "--max-image-pixels",
                        "N",
                        "refuse images with more pixels, as decoded or as resized (decompression bombs)",
                        Long.toString(ImageDecoder.DEFAULT_MAX_PIXELS));
    }

    /** The model folder, opened (its config read, its checkpoint found) but not loaded. */
    static ModelFolder folder(ParsedArgs a) throws IOException {
        Path p = a.path("--model");
        if (p == null) throw new UsageException("--model DIR is required");
        return ModelFolder.open(p);
    }

    static WeightFormat weights(ParsedArgs a) {
        try {
            return WeightFormat.parse(a.string("--weights", "as-stored"));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--weights: " + e.getMessage());
        }
    }

    static int threads(ParsedArgs a) {
        return a.integer("--threads", 0, 1);
    }

    /** Every option checked first, then the model loaded, with its progress on stderr for loads longer than a second. */
    static AltClip load(ParsedArgs a, Console c) throws IOException {
        return load(a, c, folder(a));
    }

    /** The same for a model folder the command opened already (to make its cheap checks before the load). */
    static AltClip load(ParsedArgs a, Console c, ModelFolder model) throws IOException {
        String pixels = a.string("--max-image-pixels", null);
        long maxPixels = ImageDecoder.DEFAULT_MAX_PIXELS;
        if (pixels != null) {
            try {
                maxPixels = Long.parseLong(pixels.trim());
            } catch (NumberFormatException e) {
                maxPixels = 0;
            }
            if (maxPixels < 1)
                throw new UsageException("--max-image-pixels needs a positive whole number, got '" + pixels + "'");
        }
        AltClip.Options o = AltClip.Options.defaults()
                .withThreads(threads(a))
                .withWeights(weights(a))
                .withMaxImagePixels(maxPixels)
                .withWarnings(w -> c.err().println("altclip: warning: " + w));
        long t0 = System.nanoTime();
        LoadProgress progress = new LoadProgress(model.dir(), c);
        AltClip clip = AltClip.load(model, o.withProgress(progress));
        progress.done();
        c.err().printf(Locale.ROOT, "altclip: loaded %s in %.2f s%n", model, (System.nanoTime() - t0) / 1e9);
        return clip;
    }
}
