package io.github.altclip4j.tensor;

/**
 * Matrix multiplication, the ~95% of a transformer's work.
 *
 * <p><b>Blocking.</b> {@code C[m][n] = A[m][k] · W[n][k]^T (+ bias)} is cut into tasks of (up to {@link #ROW_CHUNK}
 * rows) x (one packed panel of {@code pw} columns). A task walks k in blocks of {@link #K_BLOCK}: the panel slice
 * {@code [K_BLOCK][pw]} (64 KiB) stays hot in L1/L2 while the 6-row register tiles of A stream past it, and
 * C is reloaded and stored once per k block. A chunk of A ({@code ROW_CHUNK x K_BLOCK}, 240 KiB) stays in L2
 * across the panels a thread visits.
 *
 * <p><b>Determinism.</b> Each output element is one chain of fused multiply-adds in increasing k (through C
 * between k blocks, which stores exactly), whatever the tile it falls in or the thread that runs it; work is split
 * over output tiles only. So the result is bit-identical for every thread count, and the scalar and vector
 * kernels agree bit for bit as well.
 *
 * <p><b>Edges.</b> Row blocks of fewer than 6 rows and the zero-padded last panel go through a small per-thread
 * scratch tile (copy in, full tile, copy out), so the micro-kernel has one shape only.
 */
public final class Gemm {
    private Gemm() {}

    static final int K_BLOCK = 256;
    static final int ROW_CHUNK = 240;

    /**
     * {@code C = A · W^T + bias}: the PyTorch {@code nn.Linear}. A holds m rows of {@code w.inFeatures()} values
     * (row i at {@code aOff + i*lda}); C gets m rows of {@code w.outFeatures()} (row i at {@code cOff + i*ldc});
     * {@code bias} (length n) may be null.
     */
    public static void linear(ThreadPool pool, float[] a, int aOff, int lda, int m,
                              PackedMatrix w, float[] bias, float[] c, int cOff, int ldc) {
        int n = w.outFeatures(), k = w.inFeatures(), pw = w.panelWidth();
        checkOperands(a, aOff, lda, m, k, c, cOff, ldc, n);
        if (bias != null && bias.length < n) throw new IllegalArgumentException("bias of " + bias.length + " for " + n + " outputs");
        if (m == 0 || n == 0) return;
        Kernels kern = Backend.kernels();
        int panels = w.panelCount();
        int rowChunks = (m + ROW_CHUNK - 1) / ROW_CHUNK;
        pool.parallelFor(rowChunks * panels, task -> {
            int p = task % panels, r0 = (task / panels) * ROW_CHUNK;
            int rows = Math.min(ROW_CHUNK, m - r0), n0 = p * pw, cols = Math.min(pw, n - n0);
            Scratch s = Scratch.get(pw);
            for (int kb = 0; kb < k; kb += K_BLOCK) {
                int kLen = Math.min(K_BLOCK, k - kb);
                float[] panel;
                int panelOff = p * k * pw + kb * pw;
                if (w.dtype() == DType.F32) {
                    panel = w.f32();
                } else {
                    panel = s.widened;
                    HalfTensor.widen(kern, w.dtype(), w.half(), panelOff, panel, 0, kLen * pw);
                    panelOff = 0;
                }
                block(kern, a, aOff + r0 * lda + kb, lda, rows, panel, panelOff, kLen,
                        c, cOff + r0 * ldc + n0, ldc, cols, kb > 0, s);
            }
            if (bias != null) {
                for (int i = 0; i < rows; i++) kern.add(c, cOff + (r0 + i) * ldc + n0, bias, n0, cols);
            }
        });
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
        if (x.cols() != w.inFeatures()) {
            throw new IllegalArgumentException("input " + x + " does not match " + w);
        }
        if (out.rows() != x.rows() || out.cols() != w.outFeatures()) {
            throw new IllegalArgumentException("output " + out + " does not match " + x.rows() + "x" + w.outFeatures());
        }
        linear(pool, x.data(), x.offset(), x.cols(), x.rows(), w, bias, out.data(), out.offset(), out.cols());
    }

    /** {@code A[m][k] · B[k][n]} for two float tensors (B is packed on the fly). */
    public static FloatTensor matmul(ThreadPool pool, FloatTensor a, FloatTensor b) {
        requireMatrix(a, "a");
        requireMatrix(b, "b");
        if (a.cols() != b.dim(0)) throw new IllegalArgumentException("cannot multiply " + a + " by " + b);
        int k = b.dim(0), n = b.cols(), pw = Backend.kernels().panelWidth();
        float[] packed = new float[PackedMatrix.packedSize(n, k, pw)];
        PackedMatrix.packRows(b.data(), b.offset(), n, k, n, pw, packed, 0);
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
     * One thread's share: {@code C[rows][cols] (+)= A[rows][kLen] · P[kLen][pw]} for one panel (slice) P,
     * in 6-row register tiles. {@code cols <= pw}; columns past {@code cols} are computed but not stored.
     */
    static void block(Kernels kern, float[] a, int aOff, int lda, int rows, float[] p, int pOff, int kLen,
                      float[] c, int cOff, int ldc, int cols, boolean accumulate, Scratch s) {
        int pw = kern.panelWidth(), tr = Kernels.TILE_ROWS;
        for (int r = 0; r < rows; r += tr) {
            int tileRows = Math.min(tr, rows - r);
            if (tileRows == tr && cols == pw) {
                kern.tile(a, aOff + r * lda, lda, p, pOff, kLen, c, cOff + r * ldc, ldc, accumulate);
                continue;
            }
            float[] ta = s.edgeA(kLen), tc = s.edgeC;
            for (int i = 0; i < tr; i++) {
                if (i < tileRows) System.arraycopy(a, aOff + (r + i) * lda, ta, i * kLen, kLen);
                if (accumulate && i < tileRows) System.arraycopy(c, cOff + (r + i) * ldc, tc, i * pw, cols);
            }
            kern.tile(ta, 0, kLen, p, pOff, kLen, tc, 0, pw, accumulate);
            for (int i = 0; i < tileRows; i++) System.arraycopy(tc, i * pw, c, cOff + (r + i) * ldc, cols);
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

    /** Per-thread buffers: a widened 16-bit panel slice, and the padded edge tile of A and C. */
    static final class Scratch {
        private static final ThreadLocal<Scratch> LOCAL = new ThreadLocal<>();

        final float[] widened;
        final float[] edgeC;
        private float[] edgeA = new float[Kernels.TILE_ROWS * K_BLOCK];

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

        float[] edgeA(int kLen) {
            if (edgeA.length < Kernels.TILE_ROWS * kLen) edgeA = new float[Kernels.TILE_ROWS * kLen];
            return edgeA;
        }
    }
}
