package io.github.altclip4j.tensor;

/**
 * The element-wise and per-row operations of both towers, each a parallel loop over rows that calls one kernel
 * per row. A row is always computed whole by one thread, so results do not depend on the thread count.
 */
public final class Ops {
    private Ops() {}

    /** Rows per task: one task when the op is too small to be worth a hand-off, else about 4 tasks per thread. */
    private static int rowsPerTask(int rows, int cols, ThreadPool pool) {
        if ((long) rows * cols < 16_384) return Math.max(rows, 1);
        int tasks = Math.min(rows, 4 * pool.threads());
        return (rows + tasks - 1) / tasks;
    }

    private interface RowOp {
        void apply(Kernels k, float[] data, int rowOffset, int cols, int row);
    }

    private static void forEachRow(ThreadPool pool, FloatTensor x, RowOp op) {
        int rows = x.rows(), cols = x.cols(), per = rowsPerTask(rows, cols, pool);
        float[] d = x.data();
        int base = x.offset();
        Kernels k = Backend.kernels();
        pool.parallelFor((rows + per - 1) / per, t -> {
            for (int r = t * per, end = Math.min(rows, r + per); r < end; r++) op.apply(k, d, base + r * cols, cols, r);
        });
    }

    /**
     * LayerNorm over the last dimension, as {@code torch.nn.LayerNorm}: biased variance, {@code eps} inside the
     * square root, then the affine {@code gamma}, {@code beta}. {@code out} may be {@code x} itself.
     */
    public static void layerNorm(
            ThreadPool pool, FloatTensor x, float[] gamma, float[] beta, float eps, FloatTensor out) {
        requireSameShape(x, out);
        int cols = x.cols();
        if (gamma.length != cols || beta.length != cols) {
            throw new IllegalArgumentException(
                    "LayerNorm of width " + cols + " with weight " + gamma.length + ", bias " + beta.length);
        }
        float[] o = out.data();
        int shift = out.offset() - x.offset();
        forEachRow(pool, x, (k, d, off, n, r) -> {
            float mean = k.sum(d, off, n) / n;
            float variance = k.sumSquaredDeviations(d, off, n, mean) / n;
            float invStd = (float) (1.0 / Math.sqrt(variance + eps));
            k.layerNormAffine(d, off, n, mean, invStd, gamma, beta, o, off + shift);
        });
    }

    /** Softmax over the last dimension, in place. */
    public static void softmax(ThreadPool pool, FloatTensor x) {
        forEachRow(pool, x, (k, d, off, n, r) -> softmaxRow(k, d, off, n));
    }

    static void softmaxRow(Kernels k, float[] d, int off, int n) {
        float max = k.max(d, off, n);
        float sum = k.expShifted(d, off, n, max);
        k.divide(d, off, n, sum);
    }

    /** {@code x += y} element-wise (the residual connection); same shapes. */
    public static void add(ThreadPool pool, FloatTensor x, FloatTensor y) {
        requireSameShape(x, y);
        float[] yd = y.data();
        int shift = y.offset() - x.offset();
        forEachRow(pool, x, (k, d, off, n, r) -> k.add(d, off, yd, off + shift, n));
    }

    /** {@code x[r][:] += rowVector[r % period][:]}: e.g. position embeddings added to every image of a batch. */
    public static void addRows(ThreadPool pool, FloatTensor x, FloatTensor rowVectors) {
        if (rowVectors.cols() != x.cols())
            throw new IllegalArgumentException("cannot add " + rowVectors + " to rows of " + x);
        float[] v = rowVectors.data();
        int vOff = rowVectors.offset(), period = rowVectors.rows();
        forEachRow(pool, x, (k, d, off, n, r) -> k.add(d, off, v, vOff + (r % period) * n, n));
    }

    /** {@code x *= s} element-wise. */
    public static void scale(ThreadPool pool, FloatTensor x, float s) {
        forEachRow(pool, x, (k, d, off, n, r) -> k.scaleAdd(d, off, n, s, null, 0));
    }

    /** Scales every row to unit L2 norm, in place (a zero row stays zero). */
    public static void l2Normalize(ThreadPool pool, FloatTensor x) {
        forEachRow(pool, x, (k, d, off, n, r) -> {
            float norm = (float) Math.sqrt(k.sumOfSquares(d, off, n));
            if (norm > 0f) k.divide(d, off, n, norm);
        });
    }

    /**
     * The first token of each of {@code batch} sequences of {@code seq} rows ({@code x} is {@code [batch*seq][d]}):
     * a new {@code [batch][d]} tensor, the class token or {@code <s>} that a pooled output is read from.
     */
    public static FloatTensor firstTokens(FloatTensor x, int batch, int seq) {
        if (x.rows() != batch * seq)
            throw new IllegalArgumentException(x + " does not hold " + batch + " sequences of " + seq);
        int d = x.cols();
        FloatTensor out = FloatTensor.zeros(batch, d);
        for (int b = 0; b < batch; b++) System.arraycopy(x.data(), x.offset() + b * seq * d, out.data(), b * d, d);
        return out;
    }

    /**
     * The patches of a stride-equals-kernel convolution laid out as GEMM rows (im2col): for images
     * {@code [batch][channels][h][w]} and square patches of side {@code p}, row {@code b*(h/p)*(w/p) + py*(w/p) + px}
     * holds the patch's values in {@code (channel, dy, dx)} order, matching a PyTorch Conv2d weight
     * {@code [out][channels][p][p]} flattened to {@code [out][channels*p*p]}. So the convolution is
     * {@code Gemm.linear(patches, packedWeight)}. Pixels past the last whole patch are ignored, as Conv2d does.
     */
    public static FloatTensor patches(FloatTensor images, int p) {
        if (images.rank() != 4)
            throw new IllegalArgumentException("images must be [batch][channels][h][w], got " + images);
        int batch = images.dim(0), ch = images.dim(1), h = images.dim(2), w = images.dim(3);
        int ny = h / p, nx = w / p, rowLen = ch * p * p;
        FloatTensor out = FloatTensor.zeros(batch * ny * nx, rowLen);
        float[] src = images.data(), dst = out.data();
        int so = images.offset();
        for (int b = 0; b < batch; b++) {
            for (int py = 0; py < ny; py++) {
                for (int px = 0; px < nx; px++) {
                    int row = (b * ny + py) * nx + px, d = row * rowLen;
                    for (int c = 0; c < ch; c++) {
                        for (int dy = 0; dy < p; dy++) {
                            int s = so + ((b * ch + c) * h + py * p + dy) * w + px * p;
                            System.arraycopy(src, s, dst, d, p);
                            d += p;
                        }
                    }
                }
            }
        }
        return out;
    }

    private static void requireSameShape(FloatTensor a, FloatTensor b) {
        if (a.rows() != b.rows() || a.cols() != b.cols())
            throw new IllegalArgumentException("shapes differ: " + a + " vs " + b);
    }
}
