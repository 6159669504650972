package io.github.altclip4j.model;

import io.github.altclip4j.weights.WeightFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** The JVM's heap cannot hold the model's weights: says how much is needed and how to give it. */
public final class NotEnoughMemoryException extends IOException {
    /** Room kept for the activations, the tokenizer and the JVM's own use beside the weights. */
    private static final long HEADROOM = 512L << 20;

    NotEnoughMemoryException(String message) {
        super(message);
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
        long suggestGb = (used + needed + (1L << 30) - 1) >> 30;
        throw new NotEnoughMemoryException(String.format(
                Locale.ROOT,
                "%s needs about %s of Java heap with %s weights, but this JVM may use at most %s (%s in use): "
                        + "give it more with -Xmx%dg (for bin/altclip: ALTCLIP4J_JAVA_OPTS=-Xmx%dg)%s",
                folder,
                gb(needed),
                format.name().toLowerCase(Locale.ROOT).replace('_', '-'),
                gb(max),
                gb(used),
                suggestGb,
                suggestGb,
                format == WeightFormat.INT8
                        ? ""
                        : ", or load it with --weights int8 (about a quarter of the float32 size)"));
    }

    private static long used(Runtime rt) {
        return rt.totalMemory() - rt.freeMemory();
    }

    private static String gb(long bytes) {
        return String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30));
    }
}
