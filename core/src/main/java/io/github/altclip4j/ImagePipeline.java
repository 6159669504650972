package io.github.altclip4j;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@link AltClip#embedAll}: many images through the image tower a batch at a time. Each image is decoded and
 * preprocessed (on the caller's thread, or up to two batches ahead on decoding threads while the tower runs); one
 * that fails becomes an error in its result and the batch goes on without it. The tower sees the same images in the
 * same batches whatever the decoding threads, so results do not depend on them.
 */
final class ImagePipeline {
    private final AltClip clip;
    private final AltClip.Batching batching;

    ImagePipeline(AltClip clip, AltClip.Batching batching) {
        this.clip = clip;
        this.batching = batching;
    }

    /** An image ready for the tower, or why it is not. */
    private record Prepared(AltClip.PreparedImage image, IOException error) {}

    void run(List<ImageInput> images, AltClip.BatchSink sink) throws IOException {
        int n = images.size(), batch = batching.batch();
        ExecutorService decoders = batching.decodeThreads() == 0
                ? null
                : Executors.newFixedThreadPool(batching.decodeThreads(), r -> {
                    Thread t = new Thread(r, "altclip4j-decode");
                    t.setDaemon(true);
                    return t;
                });
        try {
            Deque<Future<Prepared>> ahead = new ArrayDeque<>();
            int submitted = 0;
            for (int from = 0; from < n; from += batch) {
                int to = Math.min(n, from + batch);
                long w = System.nanoTime();
                List<Prepared> prepared = new ArrayList<>(to - from);
                if (decoders == null) {
                    for (int i = from; i < to; i++) prepared.add(prepare(images.get(i)));
                } else {
                    for (; submitted < Math.min(n, from + 2 * batch); submitted++) {
                        ImageInput input = images.get(submitted);
                        ahead.add(decoders.submit(() -> prepare(input)));
                    }
                    for (int i = from; i < to; i++) prepared.add(get(ahead.removeFirst()));
                }
                long e0 = System.nanoTime();
                List<AltClip.PreparedImage> ok = new ArrayList<>();
                for (Prepared p : prepared) if (p.error() == null) ok.add(p.image());
                List<float[]> vectors = batching.unit() ? clip.embedPrepared(ok) : clip.imageFeatures(ok);
                long e1 = System.nanoTime();
                List<AltClip.ImageResult> results = new ArrayList<>(prepared.size());
                for (int i = 0, next = 0; i < prepared.size(); i++) {
                    Prepared p = prepared.get(i);
                    String name = images.get(from + i).name();
                    results.add(
                            p.error() != null
                                    ? new AltClip.ImageResult(name, null, 0, 0, p.error())
                                    : new AltClip.ImageResult(
                                            name,
                                            vectors.get(next++),
                                            p.image().width(),
                                            p.image().height(),
                                            null));
                }
                sink.accept(new AltClip.ImageBatch(results, (e0 - w) / 1e9, (e1 - e0) / 1e9));
            }
        } finally {
            if (decoders != null) decoders.shutdownNow();
        }
    }

    private Prepared prepare(ImageInput input) {
        try {
            return new Prepared(clip.prepare(input.decode(clip.decoder())), null);
        } catch (IOException e) {
            return new Prepared(null, e);
        } catch (RuntimeException e) {
            // a decoder's own failure on a hostile file: this image's error, not the batch's
            String m = e.getMessage();
            return new Prepared(
                    null,
                    new IOException(m == null || m.isBlank() ? e.getClass().getSimpleName() : m, e));
        }
    }

    private static Prepared get(Future<Prepared> f) throws IOException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().toString(), e.getCause()); // prepare() returns its errors
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }
}
