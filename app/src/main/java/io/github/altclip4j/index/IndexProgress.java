package io.github.altclip4j.index;

/** Hears how an update goes: files handled so far (embedded or failed) of those to embed, and the rate. */
@FunctionalInterface
public interface IndexProgress {
    void progress(int done, int total, int failures, double imagesPerSecond);

    IndexProgress NONE = (done, total, failures, rate) -> {};
}
