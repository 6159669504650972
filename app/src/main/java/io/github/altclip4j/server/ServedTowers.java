package io.github.altclip4j.server;

import io.github.altclip4j.AltClip;
import io.github.altclip4j.image.ImageException;
import io.github.altclip4j.image.RgbImage;
import io.github.altclip4j.model.ModelFolder;
import io.github.altclip4j.model.Towers;
import io.github.altclip4j.weights.WeightFormat;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ObjDoubleConsumer;

/**
 * The towers a server serves, each held by a slot: loaded before serving (the default), or on the first request that
 * needs it ({@code serve --lazy}), and, with {@code --idle-unload}, dropped when no request has used it for that long
 * (its weights freed), to be loaded again by the next request. A request holds a {@link Lease} on the tower it uses
 * from before it queues until it is answered, so a tower is never dropped under a request; a request that finds its
 * tower loading waits for that load. A tower's results do not depend on how often it was loaded (same weights, same
 * kernels: the same bits).
 */
final class ServedTowers implements AutoCloseable {
    private final ModelFolder folder;
    private final WeightFormat weights;
    private final Towers served;
    private final Slot text, image;
    private final ScheduledExecutorService reaper;
    /** Told each tower's warm-up time after a load: the batchers' first estimate of an item's time. */
    private volatile ObjDoubleConsumer<Towers> warmedUp = (t, s) -> {};

    /** Both slots hold {@code clip}, loaded already and never dropped. */
    static ServedTowers loaded(AltClip clip) {
        return new ServedTowers(clip.modelFolder(), clip.weights(), clip.towers(), null, clip, Duration.ZERO);
    }

    /**
     * Towers {@code served} loaded by {@code loader} when first needed; {@code idleUnload} of zero keeps them once
     * loaded.
     */
    static ServedTowers lazy(
            ModelFolder folder,
            WeightFormat weights,
            Towers served,
            AltClipServer.TowerLoader loader,
            Duration idleUnload) {
        return new ServedTowers(folder, weights, served, loader, null, idleUnload);
    }

    private ServedTowers(
            ModelFolder folder,
            WeightFormat weights,
            Towers served,
            AltClipServer.TowerLoader loader,
            AltClip clip,
            Duration idle) {
        this.folder = folder;
        this.weights = weights;
        this.served = served;
        this.text = new Slot(Towers.TEXT, served.text(), loader, clip, idle);
        this.image = new Slot(Towers.IMAGE, served.image(), loader, clip, idle);
        if (idle.isZero()) {
            reaper = null;
        } else {
            reaper = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "altclip4j-idle-unload");
                t.setDaemon(true);
                return t;
            });
            long period = Math.max(100, Math.min(1000, idle.toMillis() / 4));
            reaper.scheduleWithFixedDelay(this::unloadIdle, period, period, TimeUnit.MILLISECONDS);
        }
    }

    void onWarmUp(ObjDoubleConsumer<Towers> listener) {
        this.warmedUp = listener;
    }

    /** How long the tower's last warm-up took (one item), or {@code otherwise} before its first load. */
    double warmUpSeconds(Towers which, double otherwise) {
        double s = slot(which).warmUpSeconds;
        return Double.isNaN(s) ? otherwise : s;
    }

    ModelFolder folder() {
        return folder;
    }

    WeightFormat weights() {
        return weights;
    }

    /** The towers this server answers for (loaded or not). */
    Towers served() {
        return served;
    }

    /** The towers in memory now: "text", "image", "both" or "none". */
    String inMemory() {
        boolean t = text.inMemory(), i = image.inMemory();
        return t && i ? "both" : t ? "text" : i ? "image" : "none";
    }

    /** Holds {@code which} (TEXT or IMAGE) in memory until closed, loading it first if it is not. */
    Lease lease(Towers which) throws IOException {
        Slot s = slot(which);
        return new Lease(s, s.acquire());
    }

    /** The model of a tower a lease holds (what a batch runs on). */
    AltClip leased(Towers which) {
        return slot(which).current();
    }

    private Slot slot(Towers which) {
        if (which == Towers.BOTH) throw new IllegalArgumentException("lease one tower at a time");
        return which == Towers.TEXT ? text : image;
    }

    /**
     * One item through a tower (a short text, or a black 64 x 64 image), so that its first request does not pay for the
     * first use; returns the seconds it took, the batchers' first estimate of an item's time.
     */
    static double warmUp(AltClip clip, Towers which) throws ImageException {
        long t0 = System.nanoTime();
        if (which == Towers.TEXT) clip.embedText("warm-up");
        else clip.imageFeatures(List.of(clip.prepare(new RgbImage(64, 64, new byte[64 * 64 * 3]))));
        return (System.nanoTime() - t0) / 1e9;
    }

    void unloadIdle() {
        text.unloadIfIdle();
        image.unloadIfIdle();
    }

    @Override
    public void close() {
        if (reaper != null) reaper.shutdownNow();
    }

    /** A tower held in memory; closing it lets the tower be dropped once idle. */
    final class Lease implements AutoCloseable {
        private final Slot slot;
        private final AltClip clip;
        private boolean closed;

        private Lease(Slot slot, AltClip clip) {
            this.slot = slot;
            this.clip = clip;
        }

        AltClip clip() {
            return clip;
        }

        @Override
        public void close() {
            if (!closed) slot.release();
            closed = true;
        }
    }

    /** One tower: its model when in memory, how many leases hold it, when the last ended. */
    private final class Slot {
        private final Towers which;
        private final boolean served;
        private final AltClipServer.TowerLoader loader;
        private final long idleNanos;
        private AltClip clip;
        private int leases;
        private long lastUsed = System.nanoTime();
        private volatile double warmUpSeconds = Double.NaN;

        Slot(Towers which, boolean served, AltClipServer.TowerLoader loader, AltClip preloaded, Duration idle) {
            this.which = which;
            this.served = served;
            this.loader = loader;
            this.clip = served ? preloaded : null;
            this.idleNanos = idle.toNanos();
        }

        /** The model, loaded first if needed (a request that finds a load in progress waits for it). */
        synchronized AltClip acquire() throws IOException {
            if (!served) throw new IllegalStateException("the " + which + " tower is not served");
            if (clip == null) {
                clip = loader.load(which);
                warmUpSeconds = warmUp(clip, which);
                warmedUp.accept(which, warmUpSeconds);
            }
            leases++;
            return clip;
        }

        synchronized void release() {
            leases--;
            lastUsed = System.nanoTime();
        }

        synchronized AltClip current() {
            if (clip == null) throw new IllegalStateException("the " + which + " tower is not loaded");
            return clip;
        }

        synchronized boolean inMemory() {
            return clip != null;
        }

        /** Drops the model if nothing holds it and it has been idle long enough (never a preloaded one). */
        void unloadIfIdle() {
            AltClip dropped;
            synchronized (this) {
                if (loader == null || clip == null || leases > 0 || System.nanoTime() - lastUsed < idleNanos) return;
                dropped = clip;
                clip = null;
            }
            dropped.close();
            dropped = null; // not reachable from this frame either, for the collection below
            System.gc(); // give the freed weights back now, not at some later collection
        }
    }
}
