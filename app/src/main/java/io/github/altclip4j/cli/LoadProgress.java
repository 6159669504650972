package io.github.altclip4j.cli;

import io.github.altclip4j.weights.WeightBinder;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The load's progress on stderr, once it has taken more than a second: one line updated in place on a terminal, a
 * plain line per quarter otherwise (logs stay short).
 */
final class LoadProgress implements WeightBinder.Progress {
    private static final long QUIET_NANOS = 1_000_000_000L, TERMINAL_EVERY_NANOS = 100_000_000L;

    private final Path model;
    private final Console console;
    private final long start = System.nanoTime();
    private long lastPrinted, mostBytes;
    private int lastQuarter;
    private boolean printed;

    LoadProgress(Path model, Console console) {
        this.model = model;
        this.console = console;
    }

    @Override
    public synchronized void bound(long bytes, long totalBytes) {
        long now = System.nanoTime();
        if (now - start < QUIET_NANOS || totalBytes <= 0) return;
        // Layers bind on several threads, and a report can arrive after a later one: progress never goes back.
        mostBytes = Math.max(mostBytes, bytes);
        int percent = (int) (100 * mostBytes / totalBytes);
        String size = totalBytes >= 1e9
                ? String.format(Locale.ROOT, "%.1f GB", totalBytes / 1e9)
                : String.format(Locale.ROOT, "%.1f MB", totalBytes / 1e6);
        String line = String.format(Locale.ROOT, "altclip: loading %s: %d%% of %s", model, percent, size);
        if (console.errIsTerminal()) {
            if (now - lastPrinted < TERMINAL_EVERY_NANOS) return;
            console.err().print("\r" + line);
        } else {
            int quarter = percent / 25;
            if (printed && quarter == lastQuarter) return;
            lastQuarter = quarter;
            console.err().println(line);
        }
        console.err().flush();
        lastPrinted = now;
        printed = true;
    }

    @Override
    public synchronized void packedFileWritten(Path file, long bytes, double seconds) {
        done();
        printed = false;
        console.err()
                .printf(
                        Locale.ROOT,
                        "altclip: wrote the pre-packed weights (%.1f GB) to %s in %.1f s; this and later loads map them%n",
                        bytes / 1e9,
                        file,
                        seconds);
    }

    /** Ends the in-place line, if one was printed. */
    synchronized void done() {
        if (printed && console.errIsTerminal()) console.err().println();
    }
}
