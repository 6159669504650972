package io.github.altclip4j.index;

import io.github.altclip4j.AltClip;
import java.util.List;

/**
 * How an update walks and embeds: images per batch (and per commit), include/exclude globs on paths relative to the
 * root, whether to follow symbolic links, and how many threads decode images while the image tower runs.
 */
public record UpdateOptions(
        int batch, List<String> include, List<String> exclude, boolean followLinks, int decodeThreads) {
    public UpdateOptions {
        if (batch < 1 || decodeThreads < 1)
            throw new IllegalArgumentException("batch and decode threads must be positive");
        include = List.copyOf(include);
        exclude = List.copyOf(exclude);
    }

    /** Batches of the image tower's batch, everything, links not followed, one decoding thread. */
    public static UpdateOptions defaults() {
        return new UpdateOptions(AltClip.IMAGE_BATCH, List.of(), List.of(), false, 1);
    }
}
