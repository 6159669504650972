package io.github.altclip4j.tensor;

/**
 * Matrix multiplication, the ~95% of a transformer's work.
 *
 * <p><b>Blocking.</b> {@code C[m][n] = A[m][k] · W[n][k]^T (+ bias)} runs in two parallel phases.
 * First A is copied into a contiguous buffer, k block by k block ({@link #K_BLOCK} columns each), rows padded with
 * zeros to a multiple of 6: a power-of-two row stride such as 1024 floats would otherwise map every row to the same
 * cache sets and thrash L2. Then tasks of (a chunk of at most {@link #ROW_CHUNK} rows) x (a group of packed panels)
 * walk the k blocks; for each, panel by panel, the weight slice {@code [K_BLOCK][pw]} (64 KiB) stays hot while the
 * 6-row register tiles of the A block stream past it, and C is reloaded and stored once per k block. The weight
 * slices are stored in exactly this visiting order (see {@link PackedMatrix}), so the weights stream sequentially.
 *
 * <p><b>Determinism.</b> Each output element is one chain of fused multiply-adds in increasing k (through C
 * between k blocks, which stores exactly), whatever the tile it falls in or the thread that runs it; work is split
 * over output tiles only. So the result is bit-identical for every thread count and every task split, and the
 * scalar and vector kernels agree bit for bit as well.
 *
 * <p><b>Edges.</b> Rows past m (the zero padding) and the zero-padded columns of the last panel are computed into
 * a small per-thread tile and only the valid part is copied out, so the micro-kernel has one shape only.
 */
public final class Gemm {
    private Gemm() {}

    /** k per block: a 256 x 64 float panel slice is 64 KiB (L2), and C is revisited only k/256 times. */
    static final int K_BLOCK = 256;
    /** Rows per task: 264 x 256 packed floats of A (264 KiB) sit in L2 beside the slice; one chunk covers a 257-token image. */
    static final int ROW_CHUNK = 264;

    /**
     * {@code C = A · W^T + bias}: the PyTorch {@code nn.Linear}. A holds m rows of {@code w.inFeatures()} values
     * (row i at {@code aOff + i*lda}); C gets m rows of {@code w.outFeatures()} (row i at {@code cOff + i*ldc});
     * {@code bias} (length n) may be null.
     */
    public static void linear(ThreadPool pool, float[] a, int aOff, int lda, int m,
                              PackedMatrix w, float[] bias, float[] c, int cOff, int ldc) {
        linear(pool, a, aOff, lda, m, w, bias, Activation.NONE, null, 0, 0, c, cOff, ldc);
    }

    /**
     * {@code C = act(A · W^T + bias) + R}: {@link #linear(ThreadPool, float[], int, int, int, PackedMatrix, float[], float[], int, int)
     * linear} with an epilogue. Each finished row piece gets the bias, then the activation, then the residual row
     * of R (row i at {@code resOff + i*ldRes}; {@code res} may be null) before it is stored, so the output is written once
     * instead of being revisited by separate passes. The arithmetic per element is the same as those passes
     * ({@code (acc + bias)}, then {@code act}, then {@code + r}), so the bits are too. R may be C itself
     * ({@code h = h + fc2(x)}): each element of R is read by the task that writes it, just before.
     */
    public static void linear(ThreadPool pool, float[] a, int aOff, int lda, int m, PackedMatrix w, float[] bias,
                              Activation act, float[] res, int resOff, int ldRes, float[] c, int cOff, int ldc) {
        int n = w.outFeatures(), k = w.inFeatures(), pw = w.panelWidth();
        checkOperands(a, aOff, lda, m, k, c, cOff, ldc, n);
        if (bias != null && bias.length < n) throw new IllegalArgumentException("bias of " + bias.length + " for " + n + " outputs");
        if (res != null && m > 0) {
            if (ldRes < n) throw new IllegalArgumentException("residual row stride " + ldRes + " for " + n + " outputs");
            Shapes.checkRange(res.length, resOff, (m - 1) * ldRes + n, "residual");
        }
        if (m == 0 || n == 0) return;
        Kernels kern = Backend.kernels();
        int tr = Kernels.TILE_ROWS, panels = w.panelCount();
        int rowChunks = ceilDiv(m, ROW_CHUNK);
        int chunkRows = ceilDiv(ceilDiv(m, rowChunks), tr) * tr;
        int paddedRows = rowChunks * chunkRows, kBlocks = ceilDiv(k, K_BLOCK);

        // Phase 1: A into k-block-major contiguous blocks: block kb is [paddedRows][kLen] at kb * paddedRows.
        float[] packedA = PackedA.get(paddedRows * k);
        pool.parallelFor(rowChunks * kBlocks, task -> {
            int r0 = (task / kBlocks) * chunkRows, kb = (task % kBlocks) * K_BLOCK, kLen = Math.min(K_BLOCK, k - kb);
            int rows = Math.max(0, Math.min(chunkRows, m - r0)), base = kb * paddedRows + r0 * kLen;
            for (int i = 0; i < rows; i++) System.arraycopy(a, aOff + (r0 + i) * lda + kb, packedA, base + i * kLen, kLen);
            java.util.Arrays.fill(packedA, base + rows * kLen, base + chunkRows * kLen, 0f);
        });

        // Phase 2: about 4 tasks per thread, for balance on a noisy machine (finer splits measured slower in the
        // towers, see docs/performance.md).
        int groups = Math.min(panels, Math.max(1, ceilDiv(4 * pool.threads(), rowChunks)));
        int panelsPerGroup = ceilDiv(panels, groups);
        int groupCount = ceilDiv(panels, panelsPerGroup);
        boolean bf16InRegisters = w.dtype() == DType.BF16 && kern.widensBf16InRegisters();
        pool.parallelFor(rowChunks * groupCount, task -> {
            int r0 = (task / groupCount) * chunkRows, rows = Math.min(chunkRows, m - r0);
            int p0 = (task % groupCount) * panelsPerGroup, p1 = Math.min(panels, p0 + panelsPerGroup);
            Scratch s = Scratch.get(pw);
            float[] acc = s.accumulators((p1 - p0) * chunkRows * pw);
            for (int kb = 0; kb < k; kb += K_BLOCK) {
                int kLen = Math.min(K_BLOCK, k - kb), aBlock = kb * paddedRows + r0 * kLen;
                for (int p = p0; p < p1; p++) {
                    float[] slice = w.f32();
                    int sliceOff = PackedMatrix.sliceOffset(p, kb, k, panels, pw, K_BLOCK);
                    if (bf16InRegisters) {
                        int cTile = (p - p0) * chunkRows * pw;
                        for (int r = 0; r < chunkRows; r += tr) {
                            kern.tileBf16(packedA, aBlock + r * kLen, kLen, w.half(), sliceOff, kLen, acc, cTile + r * pw, pw, kb > 0);
                        }
                        continue;
                    }
                    if (slice == null) {
                        slice = s.widened;
                        HalfTensor.widen(kern, w.dtype(), w.half(), sliceOff, slice, 0, kLen * pw);
                        sliceOff = 0;
                    }
                    block(kern, packedA, aBlock, kLen, chunkRows, slice, sliceOff, kLen,
                            acc, (p - p0) * chunkRows * pw, pw, pw, kb > 0, s.edgeC);
                }
            }
            // The epilogue, on each row piece while it is in L1.
            for (int p = p0; p < p1; p++) {
                int n0 = p * pw, cols = Math.min(pw, n - n0);
                for (int i = 0; i < rows; i++) {
                    int src = ((p - p0) * chunkRows + i) * pw;
                    if (bias != null) kern.add(acc, src, bias, n0, cols);
                    act.apply(kern, acc, src, cols);
                    if (res != null) kern.add(acc, src, res, resOff + (r0 + i) * ldRes + n0, cols);
                    System.arraycopy(acc, src, c, cOff + (r0 + i) * ldc + n0, cols);
                }
            }
        });
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** {@code x · W^T + bias} for x of shape {@code [..., k]}: a new tensor of shape {@code [..., n]}. */
    public static FloatTensor linear(ThreadPool pool, FloatTensor x, PackedMatrix w, float[] bias) {
        int[] shape = x.shape();
        shape[shape.length - 1] = w.outFeatures();
        FloatTensor out = FloatTensor.zeros(shape);
        linear(pool, x, w, bias, out);
        return out;
    }

    /** {@code out = x · W^T + bias}, with {@code out} of shape {@code [x.rows()][n]} given by the caller. */
    public static void linear(ThreadPool pool, FloatTensor x, PackedMatrix w, float[] bias, FloatTensor out) {
        linear(pool, x, w, bias, Activation.NONE, null, out);
    }

    /**
     * {@code out = act(x · W^T + bias) + residual} in one pass ({@code residual} may be null, or {@code out} itself);
     * {@code out} and {@code residual} are {@code [x.rows()][n]}.
     */
    public static void linear(ThreadPool pool, FloatTensor x, PackedMatrix w, float[] bias, Activation act,
                              FloatTensor residual, FloatTensor out) {
        if (x.cols() != w.inFeatures()) {
            throw new IllegalArgumentException("input " + x + " does not match " + w);
        }
        if (out.rows() != x.rows() || out.cols() != w.outFeatures()) {
            throw new IllegalArgumentException("output " + out + " does not match " + x.rows() + "x" + w.outFeatures());
        }
        if (residual != null && (residual.rows() != out.rows() || residual.cols() != out.cols())) {
            throw new IllegalArgumentException("residual " + residual + " does not match the output " + out);
        }
        linear(pool, x.data(), x.offset(), x.cols(), x.rows(), w, bias, act,
                residual == null ? null : residual.data(), residual == null ? 0 : residual.offset(), out.cols(),
                out.data(), out.offset(), out.cols());
    }

    /** {@code A[m][k] · B[k][n]} for two float tensors (B is packed on the fly). */
    public static FloatTensor matmul(ThreadPool pool, FloatTensor a, FloatTensor b) {
        requireMatrix(a, "a");
        requireMatrix(b, "b");
        if (a.cols() != b.dim(0)) throw new IllegalArgumentException("cannot multiply " + a + " by " + b);
        int k = b.dim(0), n = b.cols(), pw = Backend.kernels().panelWidth();
        float[] packed = new float[PackedMatrix.packedSize(n, k, pw)];
        PackedMatrix.packRows(b.data(), b.offset(), n, k, n, pw, K_BLOCK, packed, 0);
        return linear(pool, a, PackedMatrix.ofPacked(n, k, pw, packed), null);
    }

    /** {@code A[m][k] · B[n][k]^T} for two float tensors (B is packed on the fly). */
    public static FloatTensor matmulTransposed(ThreadPool pool, FloatTensor a, FloatTensor b) {
        requireMatrix(a, "a");
        requireMatrix(b, "b");
        if (a.cols() != b.cols()) throw new IllegalArgumentException("cannot multiply " + a + " by the transpose of " + b);
        return linear(pool, a, PackedMatrix.pack(b), null);
    }

    /**
     * One thread's share: {@code C[rows][cols] (+)= A[rows][kLen] · P[kLen][pw]} for one panel (slice) P, in
     * 6-row register tiles. A must hold {@code rows} rounded up to a multiple of 6 readable rows (the extra rows are
     * computed, never stored); {@code cols <= pw}, columns past {@code cols} are not stored either. Partial tiles
     * go through {@code edge} ({@code 6 x pw} floats).
     */
    static void block(Kernels kern, float[] a, int aOff, int lda, int rows, float[] p, int pOff, int kLen,
                      float[] c, int cOff, int ldc, int cols, boolean accumulate, float[] edge) {
        int pw = kern.panelWidth(), tr = Kernels.TILE_ROWS;
        for (int r = 0; r < rows; r += tr) {
            int tileRows = Math.min(tr, rows - r);
            if (tileRows == tr && cols == pw) {
                kern.tile(a, aOff + r * lda, lda, p, pOff, kLen, c, cOff + r * ldc, ldc, accumulate);
                continue;
            }
            if (accumulate) {
                for (int i = 0; i < tileRows; i++) System.arraycopy(c, cOff + (r + i) * ldc, edge, i * pw, cols);
            }
            kern.tile(a, aOff + r * lda, lda, p, pOff, kLen, edge, 0, pw, accumulate);
            for (int i = 0; i < tileRows; i++) System.arraycopy(edge, i * pw, c, cOff + (r + i) * ldc, cols);
        }
    }

    private static void requireMatrix(FloatTensor t, String name) {
        if (t.rank() != 2) throw new IllegalArgumentException(name + " must be a matrix, got " + t);
    }

    private static void checkOperands(float[] a, int aOff, int lda, int m, int k, float[] c, int cOff, int ldc, int n) {
        if (m < 0 || lda < k || ldc < n) {
            throw new IllegalArgumentException("bad GEMM geometry: m=" + m + " k=" + k + " lda=" + lda + " n=" + n + " ldc=" + ldc);
        }
        if (m > 0) {
            Shapes.checkRange(a.length, aOff, (m - 1) * lda + k, "A");
            Shapes.checkRange(c.length, cOff, (m - 1) * ldc + n, "C");
        }
    }

    /** Per-thread buffers: a widened 16-bit panel slice and the edge tile of C. */
    static final class Scratch {
        private static final ThreadLocal<Scratch> LOCAL = new ThreadLocal<>();

        final float[] widened;
        final float[] edgeC;
        private float[] accumulators = new float[0];

        private Scratch(int pw) {
            widened = new float[K_BLOCK * pw];
            edgeC = new float[Kernels.TILE_ROWS * pw];
        }

        static Scratch get(int pw) {
            Scratch s = LOCAL.get();
            if (s == null || s.edgeC.length != Kernels.TILE_ROWS * pw) {
                s = new Scratch(pw);
                LOCAL.set(s);
            }
            return s;
        }

        /** The task's tiles of C, panel by panel, each [chunkRows][pw] contiguous (no power-of-two row stride). */
        float[] accumulators(int size) {
            if (accumulators.length < size) accumulators = new float[size];
            return accumulators;
        }
    }

    /**
     * The packed copy of A, one buffer per calling thread, grown on demand and reused across calls (callers on
     * different threads each get their own; the pool's workers only read it during the call).
     */
    private static final class PackedA {
        private static final ThreadLocal<float[]> LOCAL = ThreadLocal.withInitial(() -> new float[0]);

        static float[] get(int size) {
            float[] b = LOCAL.get();
            if (b.length < size) {
                b = new float[size];
                LOCAL.set(b);
            }
            return b;
        }
    }
}
