package io.github.altclip4j.tensor;

/** Plain-Java kernels: the reference for {@link VectorKernels} and the path used without the Vector API. */
final class ScalarKernels implements Kernels {

    /** Any tile works for the scalar code; 5 x 64 keeps packed weights the shape they have on 512-bit machines. */
    private static final int DEFAULT_ROWS = 5, DEFAULT_PANEL_WIDTH = 64;

    private final int rows, panelWidth;

    ScalarKernels() {
        this(DEFAULT_ROWS, DEFAULT_PANEL_WIDTH);
    }

    /** Scalar kernels on another tile, e.g. the vector kernels' own, to compare the two bit for bit. */
    ScalarKernels(int rows, int panelWidth) {
        this.rows = rows;
        this.panelWidth = panelWidth;
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public int tileRows() {
        return rows;
    }

    @Override
    public int panelWidth() {
        return panelWidth;
    }

    @Override
    public void tile(float[] a, int aOff, float[] p, int pOff, int kLen, float[] c, boolean accumulate) {
        for (int r = 0; r < rows; r++) {
            int cRow = r * panelWidth;
            for (int j = 0; j < panelWidth; j++) {
                float acc = 0f;
                for (int k = 0; k < kLen; k++)
                    acc = Math.fma(a[aOff + rows * k + r], p[pOff + k * panelWidth + j], acc);
                c[cRow + j] = accumulate ? c[cRow + j] + acc : acc;
            }
        }
    }

    @Override
    public void tileBf16(float[] a, int aOff, short[] p, int pOff, int kLen, float[] c, boolean accumulate) {
        for (int r = 0; r < rows; r++) {
            int cRow = r * panelWidth;
            for (int j = 0; j < panelWidth; j++) {
                float acc = 0f;
                for (int k = 0; k < kLen; k++) {
                    acc = Math.fma(a[aOff + rows * k + r], Half.bf16ToFloat(p[pOff + k * panelWidth + j]), acc);
                }
                c[cRow + j] = accumulate ? c[cRow + j] + acc : acc;
            }
        }
    }

    @Override
    public void floatToBf16(float[] src, int srcOff, short[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) dst[dstOff + i] = Half.floatToBf16(src[srcOff + i]);
    }

    @Override
    public void tileI8(float[] a, int aOff, byte[] p, int pOff, int kLen, float[] c, boolean accumulate) {
        for (int r = 0; r < rows; r++) {
            int cRow = r * panelWidth;
            for (int j = 0; j < panelWidth; j++) {
                float acc = 0f;
                for (int k = 0; k < kLen; k++)
                    acc = Math.fma(a[aOff + rows * k + r], p[pOff + k * panelWidth + j], acc);
                c[cRow + j] = accumulate ? c[cRow + j] + acc : acc;
            }
        }
    }

    @Override
    public boolean widensInRegisters(DType weights) {
        return false;
    }

    @Override
    public void i8ToFloat(byte[] src, int srcOff, float[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) dst[dstOff + i] = src[srcOff + i];
    }

    @Override
    public float dot(float[] x, int xOff, float[] y, int yOff, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) s = Math.fma(x[xOff + i], y[yOff + i], s);
        return s;
    }

    @Override
    public float dotBf16(float[] x, int xOff, short[] y, int yOff, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) s = Math.fma(x[xOff + i], Half.bf16ToFloat(y[yOff + i]), s);
        return s;
    }

    @Override
    public float dotI8(float[] x, int xOff, byte[] y, int yOff, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) s = Math.fma(x[xOff + i], y[yOff + i], s);
        return s;
    }

    @Override
    public void multiply(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) x[xOff + i] *= y[yOff + i];
    }

    @Override
    public void bf16ToFloat(short[] src, int srcOff, float[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) dst[dstOff + i] = Half.bf16ToFloat(src[srcOff + i]);
    }

    @Override
    public void f16ToFloat(short[] src, int srcOff, float[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) dst[dstOff + i] = Half.f16ToFloat(src[srcOff + i]);
    }

    @Override
    public void add(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) x[xOff + i] += y[yOff + i];
    }

    @Override
    public void scaleAdd(float[] x, int xOff, int n, float scale, float[] bias, int biasOff) {
        for (int i = 0; i < n; i++) {
            x[xOff + i] = bias == null ? x[xOff + i] * scale : Math.fma(x[xOff + i], scale, bias[biasOff + i]);
        }
    }

    @Override
    public void divide(float[] x, int off, int n, float divisor) {
        for (int i = 0; i < n; i++) x[off + i] /= divisor;
    }

    // Reductions accumulate in double: one sequential float chain over thousands of values would lose
    // digits that the vector path's 16 interleaved partial sums keep.

    @Override
    public float sum(float[] x, int off, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += x[off + i];
        return (float) s;
    }

    @Override
    public float sumSquaredDeviations(float[] x, int off, int n, float mean) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            double d = x[off + i] - mean;
            s += d * d;
        }
        return (float) s;
    }

    @Override
    public float sumOfSquares(float[] x, int off, int n) {
        return sumSquaredDeviations(x, off, n, 0f);
    }

    @Override
    public void layerNormAffine(
            float[] x,
            int xOff,
            int n,
            float mean,
            float invStd,
            float[] gamma,
            float[] beta,
            float[] out,
            int outOff) {
        layerNormAffineFrom(0, x, xOff, n, mean, invStd, gamma, beta, out, outOff);
    }

    /** Elements {@code [from, n)} of {@link #normalize} (the vector kernels finish their ragged tail with it). */
    static void layerNormAffineFrom(
            int from,
            float[] x,
            int xOff,
            int n,
            float mean,
            float invStd,
            float[] gamma,
            float[] beta,
            float[] out,
            int outOff) {
        for (int i = from; i < n; i++) out[outOff + i] = Math.fma((x[xOff + i] - mean) * invStd, gamma[i], beta[i]);
    }

    @Override
    public float max(float[] x, int off, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) m = Math.max(m, x[off + i]);
        return m;
    }

    @Override
    public float expShifted(float[] x, int off, int n, float shift) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            float e = FastMath.exp(x[off + i] - shift);
            x[off + i] = e;
            s += e;
        }
        return (float) s;
    }

    @Override
    public void gelu(float[] x, int off, int n) {
        for (int i = 0; i < n; i++) x[off + i] = FastMath.gelu(x[off + i]);
    }

    @Override
    public long fmaChains(float[] acc, int steps) {
        for (int i = 0; i < 8; i++) {
            float a = acc[i];
            for (int s = 0; s < steps; s++) a = Math.fma(0.999f, a, 0.001f);
            acc[i] = a;
        }
        return 16L * steps;
    }

    @Override
    public void quickGelu(float[] x, int off, int n) {
        for (int i = 0; i < n; i++) x[off + i] = FastMath.quickGelu(x[off + i]);
    }
}
