package io.github.altclip4j.spark;

import io.github.altclip4j.AltClip;
import io.github.altclip4j.weights.WeightFormat;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;

/**
 * One model per executor JVM: loaded on first use, then shared by every task that JVM runs, for the JVM's life. The
 * model (3.5 GB at full size) never travels: tasks carry only its {@link Key}, and each executor reads the folder
 * from its own disk or a shared filesystem.
 */
final class ModelCache {
    private ModelCache() {}

    /** Which model, held how: what a task carries to the executor instead of the model. */
    record Key(String path, int threads, String weights) implements Serializable {}

    private static final Map<Key, AltClip> MODELS = new HashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();

    /** The model for {@code key}, loading it if this JVM has not yet (tasks asking at once wait for one load). */
    static synchronized AltClip get(Key key) {
        return MODELS.computeIfAbsent(key, k -> {
            try {
                AltClip.Options options = AltClip.Options.defaults()
                        .withThreads(k.threads())
                        .withWeights(WeightFormat.parse(k.weights()));
                long start = System.nanoTime();
                AltClip model = AltClip.load(folder(k.path()), options);
                LOADS.incrementAndGet();
                System.err.printf(
                        "altclip4j: loaded %s (%s weights, %d threads) in %.1f s%n",
                        k.path(), k.weights(), model.threads(), (System.nanoTime() - start) / 1e9);
                return model;
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "altclip4j: cannot load the model " + k.path() + ": " + e.getMessage(), e);
            }
        });
    }

    /** How many models this JVM has loaded (the tests check it is one per model, however many tasks ran). */
    static int loads() {
        return LOADS.get();
    }

    /**
     * The folder as given if this machine has it; otherwise under the task's SparkFiles root, where
     * {@code spark-submit --archives model.tgz#NAME} unpacks it (as {@code NAME}).
     */
    static Path folder(String path) throws IOException {
        Path p = Paths.get(path);
        if (Files.isDirectory(p)) return p;
        if (SparkEnv.get() != null) {
            Path shipped = Paths.get(SparkFiles.getRootDirectory()).resolve(path);
            if (Files.isDirectory(shipped)) return shipped;
        }
        throw new IOException(
                "no model folder " + path + " on this machine: put it on a filesystem every executor sees, "
                        + "or ship it with spark-submit --archives model.tgz#" + p.getFileName());
    }
}
