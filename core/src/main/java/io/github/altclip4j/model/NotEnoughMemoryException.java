package io.github.altclip4j.model;

import io.github.altclip4j.formats.Spelling;
import io.github.altclip4j.weights.WeightFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The JVM's heap cannot hold the model's weights: says how much is needed and how to give it, in the library's terms
 * ({@code -Xmx}, {@code AltClip.Options.withWeights}); the command line says it in its own ({@link #advice}).
 */
public final class NotEnoughMemoryException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Room kept for the activations, the tokenizer and the JVM's own use beside the weights. */
    private static final long HEADROOM = 512L << 20;

    private final transient Path folder;
    private final WeightFormat format;
    private final long neededBytes, maxBytes, usedBytes;

    private NotEnoughMemoryException(Path folder, WeightFormat format, long needed, long max, long used) {
        super(String.format(
                Locale.ROOT,
                "%s needs about %s of Java heap with %s weights, but this JVM may use at most %s (%s in use): start"
                        + " the JVM with -Xmx%dg%s",
                folder,
                gb(needed),
                name(format),
                gb(max),
                gb(used),
                suggestedGb(needed, used),
                format == WeightFormat.INT8
                        ? ""
                        : ", or load int8 weights (AltClip.Options.withWeights(WeightFormat.INT8): about a quarter of"
                                + " the float32 size)"));
        this.folder = folder;
        this.format = format;
        this.neededBytes = needed;
        this.maxBytes = max;
        this.usedBytes = used;
    }

    /** Throws if {@code weightBytes} (plus headroom) exceed what the heap can still grow to. */
    static void check(Path folder, WeightFormat format, long weightBytes) throws NotEnoughMemoryException {
        Runtime rt = Runtime.getRuntime();
        long max = rt.maxMemory(), needed = weightBytes + HEADROOM;
        if (max == Long.MAX_VALUE || needed <= max - used(rt)) return;
        // "Used" counts garbage not yet collected (a JVM that has done other work, or loaded a model before): collect
        // once and look again before refusing.
        System.gc();
        long used = used(rt);
        if (needed <= max - used) return;
        throw new NotEnoughMemoryException(folder, format, needed, max, used);
    }

    /**
     * The same facts with the remedies spelt for a program's users: {@code heapOption} says how they set the heap
     * (e.g. {@code "ALTCLIP4J_JAVA_OPTS=-Xmx6g"} with the size filled in through {@code %d}), {@code int8Option} how
     * they ask for int8 weights (e.g. {@code "--weights int8"}).
     */
    public String advice(String heapOption, String int8Option) {
        return String.format(
                Locale.ROOT,
                "%s needs about %s of Java heap with %s weights, but this JVM may use at most %s (%s in use): give it"
                        + " more with %s%s",
                folder,
                gb(neededBytes),
                name(format),
                gb(maxBytes),
                gb(usedBytes),
                String.format(Locale.ROOT, heapOption, suggestedGb(neededBytes, usedBytes)),
                format == WeightFormat.INT8
                        ? ""
                        : ", or load it with " + int8Option + " (about a quarter of the float32 size)");
    }

    private static long suggestedGb(long needed, long used) {
        return (used + needed + (1L << 30) - 1) >> 30;
    }

    private static String name(WeightFormat format) {
        return Spelling.of(format);
    }

    private static long used(Runtime rt) {
        return rt.totalMemory() - rt.freeMemory();
    }

    private static String gb(long bytes) {
        return String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30));
    }
}
