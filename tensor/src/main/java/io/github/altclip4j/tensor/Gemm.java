package io.github.altclip4j.tensor;

/**
 * Matrix multiplication, the ~95% of a transformer's work.
 *
 * <p><b>Blocking.</b> {@code C[m][n] = A[m][k] · W[n][k]^T (+ bias)} runs in two parallel phases. First A is copied
 * into micro-panels of the register tile's height ({@link MicroPanels}), padded with zeros to whole tiles: the micro-kernel then
 * walks one index for all the tile's rows, and a power-of-two row stride such as 1024 floats no longer maps every row to the
 * same cache sets. Then tasks of (a chunk of at most {@link #ROW_CHUNK} rows) x (a group of weight panels) walk their
 * panels; for each, the register tiles of the chunk run over the whole of k against the panel
 * {@code [k][pw]} (256 KiB to 1 MiB, it stays in L2 while the chunk's tiles stream past), so a tile of C is finished
 * in L1, gets the epilogue (bias, activation, residual) there and is stored once. The panels are stored one after
 * another (see {@link PackedMatrix}), so each task reads its weights as one sequential stream.
 *
 * <p><b>Summation.</b> A dot product over k is summed in blocks of {@link #K_BLOCK}: the micro-kernel runs one chain
 * of fused multiply-adds over each block and adds each later block's sums to the earlier ones' (in registers, before
 * its store), in increasing k. One chain over all of k = 4096 (the MLP's second layer) lets the rounding error grow
 * with its length: on the full-size model that alone put our outputs at up to 2.5x PyTorch float32's error against
 * float64 (BLAS libraries block k as well); blocks of 512 bring them to at most 1.3x of it, for about 1% of a GEMM's
 * time (256: at most 0.9x, for 2-4%; docs/performance.md, "Full-size error").
 *
 * <p><b>Determinism.</b> Each output element is summed in that one order, whatever the tile it falls in or the thread
 * that runs it; work is split over output tiles only. So the result is bit-identical for every thread count and every
 * task split, and the scalar and vector kernels agree bit for bit as well.
 *
 * <p><b>Edges.</b> Rows past m (the zero padding) and the zero-padded columns of the last panel are computed in
 * the task's tiles and only the valid part is copied out, so the micro-kernel has one shape only.
 */
public final class Gemm {
    private Gemm() {}

    /** Rows per task: one chunk covers a 257-token image, and its A (264 rows x k) streams from L2 or L3 once per panel. */
    static final int ROW_CHUNK = 264;

    /**
     * Up to how many register tiles per task a 16-bit or int8 panel is widened in registers, tile by tile; with more,
     * a task widens the panel once into a float buffer and every tile reads that. In registers the conversions are paid
     * once per tile and compete with the FMAs for the same pipes (Zen 3): the int8 image tower (66 tiles per panel) ran
     * 1.4x slower than float32 that way, while a short text (3 tiles) gains from not writing the panel to L2 and back
     * (docs/performance.md, "Seventh sitting"). Either way each output is the same chain of FMAs, so the same bits.
     */
    static final int IN_REGISTER_TILES = 4;

    /** The length of one fused multiply-add chain in a dot product (see "Summation" above). */
    static final int K_BLOCK = 512;

    /**
     * {@code C = act(A · W^T + bias) + R}, the PyTorch {@code nn.Linear} with an epilogue, on raw arrays: A holds m
     * rows of {@code w.inFeatures()} values (row i at {@code aOff + i*lda}); C gets m rows of {@code w.outFeatures()}
     * (row i at {@code cOff + i*ldc}); {@code bias} (length n) may be null. Each finished row piece gets the bias, then
     * the activation, then the residual row of R (row i at {@code resOff + i*ldRes}; {@code res} may be null) before it
     * is stored, so the output is written once instead of being revisited by separate passes. The arithmetic per
     * element is the same as those passes ({@code (acc + bias)}, then {@code act}, then {@code + r}), so the bits are
     * too. R may be C itself ({@code h = h + fc2(x)}): each element of R is read by the task that writes it, just
     * before.
     */
    static void linear(
            ThreadPool pool,
            float[] a,
            int aOff,
            int lda,
            int m,
            PackedMatrix w,
            float[] bias,
            Activation act,
            float[] res,
            int resOff,
            int ldRes,
            float[] c,
            int cOff,
            int ldc) {
        int n = w.outFeatures(), k = w.inFeatures(), pw = w.panelWidth();
        checkOperands(a, aOff, lda, m, k, c, cOff, ldc, n);
        if (bias != null && bias.length < n)
            throw new IllegalArgumentException("bias of " + bias.length + " for " + n + " outputs");
        if (res != null && m > 0) {
            if (ldRes < n)
                throw new IllegalArgumentException("residual row stride " + ldRes + " for " + n + " outputs");
            Shapes.checkRange(res.length, resOff, (m - 1) * ldRes + n, "residual");
        }
        if (m == 0 || n == 0) return;
        Kernels kern = Backend.kernels();
        int tr = kern.tileRows(), panels = w.panelCount(), tiles = ceilDiv(m, tr);
        int rowChunks = ceilDiv(m, ROW_CHUNK);
        int chunkTiles = ceilDiv(tiles, rowChunks);

        // Phase 1: A into micro-panels, tile t ([k][tr]) at t * tr * k; rows past m are zero.
        float[] packedA = PackedA.get(tiles * tr * k);
        int packTasks = Math.min(tiles, 2 * pool.threads()), tilesPerPack = ceilDiv(tiles, packTasks);
        pool.parallelFor(ceilDiv(tiles, tilesPerPack), task -> {
            int t0 = task * tilesPerPack, t1 = Math.min(tiles, t0 + tilesPerPack), r0 = t0 * tr;
            MicroPanels.pack(
                    tr, a, aOff + r0 * lda, lda, Math.min(m, t1 * tr) - r0, (t1 - t0) * tr, k, packedA, r0 * k);
        });

        // Phase 2: tasks of (a chunk of tiles) x (a group of panels), about 4 per thread for balance on a noisy machine
        // (finer splits measured slower in the towers, see docs/performance.md).
        int groups = Math.min(panels, Math.max(1, ceilDiv(4 * pool.threads(), rowChunks)));
        int panelsPerGroup = ceilDiv(panels, groups);
        int groupCount = ceilDiv(panels, panelsPerGroup);
        DType type = w.dtype();
        boolean inRegisters = type != DType.F32 && kern.widensInRegisters(type) && chunkTiles <= IN_REGISTER_TILES;
        float[] scales = w.scales();
        long taskFlops = 2L * Math.min(m, chunkTiles * tr) * panelsPerGroup * pw * k; // about: edges are smaller
        pool.parallelFor(rowChunks * groupCount, task -> {
            int t0 = (task / groupCount) * chunkTiles, t1 = Math.min(tiles, t0 + chunkTiles);
            int p0 = (task % groupCount) * panelsPerGroup, p1 = Math.min(panels, p0 + panelsPerGroup);
            long cpu0 = taskFlops >= KernelCheck.MIN_TASK_FLOPS ? KernelCheck.cpuNanos() : -1;
            Scratch s = Scratch.get(tr, pw, type == DType.F32 || inRegisters ? 0 : k);
            float[] out = s.tile;
            for (int p = p0; p < p1; p++) {
                int panelOff = PackedMatrix.panelOffset(p, k, pw), n0 = p * pw, cols = Math.min(pw, n - n0);
                float[] panel = w.f32(); // null: mapped, or widened in registers by the tile
                if (type != DType.F32 && !inRegisters) {
                    panel = s.widened;
                    w.widenPanel(kern, p, panel);
                    panelOff = 0;
                }
                for (int t = t0; t < t1; t++) {
                    tileOverK(kern, packedA, t * tr * k, panel, w, panelOff, k, out);
                    // The epilogue, on the finished tile while it is in L1.
                    for (int i = 0, row = t * tr, rows = Math.min(tr, m - row); i < rows; i++, row++) {
                        int src = i * pw;
                        if (scales != null) kern.multiply(out, src, scales, n0, cols);
                        if (bias != null) kern.add(out, src, bias, n0, cols);
                        act.apply(kern, out, src, cols);
                        if (res != null) kern.add(out, src, res, resOff + row * ldRes + n0, cols);
                        System.arraycopy(out, src, c, cOff + row * ldc + n0, cols);
                    }
                }
            }
            if (cpu0 >= 0) KernelCheck.recordTask(taskFlops, KernelCheck.cpuNanos() - cpu0);
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
    public static void linear(
            ThreadPool pool,
            FloatTensor x,
            PackedMatrix w,
            float[] bias,
            Activation act,
            FloatTensor residual,
            FloatTensor out) {
        if (x.cols() != w.inFeatures()) {
            throw new IllegalArgumentException("input " + x + " does not match " + w);
        }
        if (out.rows() != x.rows() || out.cols() != w.outFeatures()) {
            throw new IllegalArgumentException("output " + out + " does not match " + x.rows() + "x" + w.outFeatures());
        }
        if (residual != null && (residual.rows() != out.rows() || residual.cols() != out.cols())) {
            throw new IllegalArgumentException("residual " + residual + " does not match the output " + out);
        }
        linear(
                pool,
                x.data(),
                x.offset(),
                x.cols(),
                x.rows(),
                w,
                bias,
                act,
                residual == null ? null : residual.data(),
                residual == null ? 0 : residual.offset(),
                out.cols(),
                out.data(),
                out.offset(),
                out.cols());
    }

    /** {@code A[m][k] · B[n][k]^T} for two float tensors (B is packed on the fly). */
    public static FloatTensor matmulTransposed(ThreadPool pool, FloatTensor a, FloatTensor b) {
        requireMatrix(a, "a");
        requireMatrix(b, "b");
        if (a.cols() != b.cols())
            throw new IllegalArgumentException("cannot multiply " + a + " by the transpose of " + b);
        return linear(pool, a, PackedMatrix.pack(b), null);
    }

    /**
     * One {@code tr x pw} tile of {@code A · P} into {@code tile} ({@code [tr][pw]}), summed over k in blocks of
     * {@link #K_BLOCK}: the first block's sums are stored, each later one's added by the micro-kernel before it stores.
     * A tile's rows start at {@code aOff} in micro-panels; {@code panel} is a float panel starting at {@code pOff}, or
     * null to use {@code w}'s panel there as it holds it ({@link PackedMatrix#tile}: mapped, or widened in registers).
     */
    private static void tileOverK(
            Kernels kern, float[] a, int aOff, float[] panel, PackedMatrix w, int pOff, int k, float[] tile) {
        int pw = kern.panelWidth(), tr = kern.tileRows();
        for (int k0 = 0; ; k0 += K_BLOCK) {
            int len = Math.min(K_BLOCK, k - k0), ak = aOff + tr * k0, pk = pOff + k0 * pw;
            boolean later = k0 > 0;
            if (panel != null) kern.tile(a, ak, panel, pk, len, tile, later);
            else w.tile(kern, a, ak, pk, len, tile, later);
            if (k0 + K_BLOCK >= k) return;
        }
    }

    /**
     * {@code C[rows][cols] = A[rows][kLen] · P[kLen][pw]} for one panel P, in register tiles, on the calling
     * thread. A is packed as micro-panels ({@link MicroPanels}, rows rounded up to whole tiles); {@code cols <= pw}:
     * each tile is computed into {@code tile} ({@code tr x pw} floats) and its valid rows and columns copied to C.
     */
    static void block(
            Kernels kern,
            float[] a,
            int aOff,
            int rows,
            float[] p,
            int pOff,
            int kLen,
            float[] c,
            int cOff,
            int ldc,
            int cols,
            float[] tile) {
        int pw = kern.panelWidth(), tr = kern.tileRows();
        for (int r = 0; r < rows; r += tr) {
            tileOverK(kern, a, aOff + r * kLen, p, null, pOff, kLen, tile);
            for (int i = 0, tileRows = Math.min(tr, rows - r); i < tileRows; i++)
                System.arraycopy(tile, i * pw, c, cOff + (r + i) * ldc, cols);
        }
    }

    private static void requireMatrix(FloatTensor t, String name) {
        if (t.rank() != 2) throw new IllegalArgumentException(name + " must be a matrix, got " + t);
    }

    private static void checkOperands(float[] a, int aOff, int lda, int m, int k, float[] c, int cOff, int ldc, int n) {
        if (m < 0 || lda < k || ldc < n) {
            throw new IllegalArgumentException(
                    "bad GEMM geometry: m=" + m + " k=" + k + " lda=" + lda + " n=" + n + " ldc=" + ldc);
        }
        if (m > 0) {
            Shapes.checkRange(a.length, aOff, (m - 1) * lda + k, "A");
            Shapes.checkRange(c.length, cOff, (m - 1) * ldc + n, "C");
        }
    }

    /** Per-thread buffers: one tile of C, and a 16-bit or int8 panel widened to float. */
    static final class Scratch {
        private static final ThreadLocal<Scratch> LOCAL = new ThreadLocal<>();

        final float[] tile;
        float[] widened;

        private Scratch(int tileSize) {
            tile = new float[tileSize];
            widened = new float[0];
        }

        /** This thread's buffers, with room for a widened panel of k rows. */
        static Scratch get(int tr, int pw, int k) {
            Scratch s = LOCAL.get();
            if (s == null || s.tile.length != tr * pw) {
                s = new Scratch(tr * pw);
                LOCAL.set(s);
            }
            if (s.widened.length < k * pw) s.widened = new float[k * pw];
            return s;
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
