package io.github.altclip4j.tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Gets the kernels compiled before the first real forward pass. A fresh JVM runs Vector API code in the interpreter
 * and then in C1, where every vector op is a method call on a boxed vector, until C2 compiles it with the
 * intrinsics: the first ViT-L/14 image in a fresh JVM took ~3 s instead of ~0.55 s. Running every kernel on small
 * inputs on a spare thread while the weights load (which is I/O and packing on one thread) lets C2 compile them
 * in the meantime.
 *
 * <p>It touches no shared state: its own single-thread pool (tasks run inline), its own inputs.
 */
public final class Warmup {
    private Warmup() {}

    /**
     * Rounds of the whole set of kernels, on tiny inputs: what C2 waits for is invocation and loop counts, not work,
     * and in the interpreter and C1 every vector op is slow. The shapes are odd on purpose (7 rows: a full and a
     * partial tile; K_BLOCK + 88 inputs: a later k block, added to the first, and a short one; 200 outputs: a partial
     * panel; rows 40 wide; 70 tokens, a full and a partial panel of keys) so that the SIMD loops' scalar tails and the GEMM's edge tiles all run: code that never ran in the
     * warm-up is compiled as an uncommon trap and deoptimises on the first real input. (With 40 inputs the
     * micro-kernel was recompiled during the first forward pass, and with 21 tokens the key packing was; seen with
     * {@code -XX:+PrintCompilation}; with 300 inputs, one k block, the kernel's accumulating branch was.) 300 rounds
     * take ~1.5 s.
     */
    private static final int ROUNDS = 300;

    private static final AtomicBoolean STARTED = new AtomicBoolean();

    /**
     * Starts {@link #run} on a daemon thread, the first time it is called in this JVM; later calls do nothing, and
     * so does {@code -Daltclip4j.warmup=false}. {@code weights} is the in-memory type of the model's GEMM weights
     * (its 16-bit or int8 kernels are warmed too), {@code mapped} whether they are read from a mapped file
     * ({@link MappedWeights}: those kernels are warmed on a mapped copy of the warm-up's own matrices).
     */
    public static void startOnce(boolean mapped, DType weights) {
        if (!Boolean.parseBoolean(System.getProperty("altclip4j.warmup", "true"))) return;
        if (!STARTED.compareAndSet(false, true)) return;
        Thread t = new Thread(
                () -> {
                    try {
                        run(mapped, weights);
                    } catch (RuntimeException | Error e) {
                        // only a speed-up: a failure here must not reach the user (WarmupTest runs it in the open)
                    }
                },
                "altclip4j-jit-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    /**
     * Runs the GEMM (F32 weights, and {@code weights} if that is a 16-bit or int8 type; every epilogue), attention and
     * the row ops on small inputs.
     */
    public static void run(boolean mapped, DType weights) {
        SplittableRandom r = new SplittableRandom(7);
        int m = 7, k = Gemm.K_BLOCK + 88, n = 200, rows = 64, width = 40, seq = 70, heads = 2, headDim = 64;
        FloatTensor x = random(r, m, k), residual = random(r, m, n), out = FloatTensor.zeros(m, n);
        FloatTensor w = random(r, n, k);
        PackedMatrix[] packed = weights == DType.F32
                ? new PackedMatrix[] {PackedMatrix.pack(w)}
                : new PackedMatrix[] {
                    PackedMatrix.pack(w),
                    weights == DType.I8 ? PackedMatrix.pack(w, DType.I8) : PackedMatrix.pack(HalfTensor.of(w, weights))
                };
        if (mapped) packed = mappedCopies(packed);
        float[] bias = random(r, 1, n).toArray(),
                gamma = random(r, 1, width).toArray(),
                beta = random(r, 1, width).toArray();
        FloatTensor h = random(r, rows, width), normed = FloatTensor.zeros(rows, width);
        FloatTensor qkv = random(r, 2 * seq, 3 * heads * headDim),
                context = FloatTensor.zeros(2 * seq, heads * headDim);
        float[] keyBias = new float[2 * seq];
        keyBias[2 * seq - 1] = Attention.MASKED;
        float[] d = qkv.data();
        int hidden = heads * headDim;
        try (ThreadPool inline = new ThreadPool(1)) {
            for (int round = 0; round < ROUNDS; round++) {
                for (PackedMatrix pw : packed) {
                    for (Activation act : Activation.values())
                        Gemm.linear(inline, x, pw, bias, act, round % 2 == 0 ? residual : null, out);
                }
                Attention.multiHead(
                        inline,
                        2,
                        seq,
                        heads,
                        headDim,
                        0.125f,
                        d,
                        0,
                        d,
                        hidden,
                        d,
                        2 * hidden,
                        3 * hidden,
                        round % 2 == 0 ? keyBias : null,
                        context.data(),
                        0,
                        hidden);
                Ops.layerNorm(inline, h, gamma, beta, 1e-5f, normed);
                Ops.addRows(inline, normed, h.slice(0, 1));
                Ops.add(inline, normed, h);
                Ops.l2Normalize(inline, normed);
            }
        }
        if (Backend.isVectorized()) KernelCheck.measurePeak(Backend.kernels());
    }

    /**
     * The matrices written to a temporary file and mapped back (the file is deleted at once; the mapping stays): the
     * kernels on segments must meet the segment class the model's will be, not a heap segment.
     */
    private static PackedMatrix[] mappedCopies(PackedMatrix[] heap) {
        Path file = null;
        try {
            file = Files.createTempFile("altclip4j-warmup", ".panels");
            long[] offsets = new long[heap.length];
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                for (int i = 0; i < heap.length; i++) {
                    offsets[i] = ch.position();
                    heap[i].writeTo(ch);
                }
            }
            MappedWeights copy = MappedWeights.map(file);
            PackedMatrix[] out = new PackedMatrix[heap.length];
            for (int i = 0; i < heap.length; i++) {
                PackedMatrix h = heap[i];
                out[i] = copy.matrix(offsets[i], h.outFeatures(), h.inFeatures(), h.dtype());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (file != null) file.toFile().delete();
        }
    }

    private static FloatTensor random(SplittableRandom r, int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextDouble() - 0.5);
        return FloatTensor.wrap(v, rows, cols);
    }
}
