package io.github.altclip4j.tensor;

/**
 * The innermost loops of every op, in two interchangeable implementations: {@link VectorKernels}
 * (the Vector API, used when {@code jdk.incubator.vector} is in the boot layer) and {@link ScalarKernels}
 * (plain Java, the readable reference and the fallback).
 *
 * <p>Everything here works on one row or one tile and is single-threaded; {@link Gemm}, {@link Ops} and
 * {@link Attention} split the work over a {@link ThreadPool} and call in here. Both implementations run the
 * GEMM tile and the exp-based activations as the same sequence of correctly rounded fused multiply-adds per
 * output element, so they agree bit for bit; the reductions (sums) accumulate in double in both, the vector path in
 * lane-wise partial sums, so they may differ from the scalar path in the last bit of the float result.
 */
interface Kernels {

    /** Rows of A handled by one {@link #tile} call: 5 rows x 4 vectors keeps 20 accumulators in registers. */
    int TILE_ROWS = 5;

    /** A short name for logs and benchmark reports, e.g. {@code "vector-512"} or {@code "scalar"}. */
    String name();

    /** Columns of one packed weight panel: four SIMD vectors (64 floats with 512-bit vectors). */
    int panelWidth();

    /**
     * The GEMM micro-kernel: {@code C[5][pw] = A[5][kLen] · P[kLen][pw]}, with {@code pw = panelWidth()}.
     * A comes as a micro-panel (see {@link MicroPanels}): element (r, k) at {@code aOff + 5*k + r}, so the five values
     * a step of k needs are adjacent and one index register walks them. Row k of the panel is at
     * {@code pOff + k*pw}; row r of C at {@code cOff + r*ldc}. Every element is one chain of fused multiply-adds in
     * increasing k, started from zero; with {@code accumulate} the chain's sum is then added to what C holds (a later
     * block of k, {@link Gemm}'s "Summation"), else it replaces it.
     */
    void tile(float[] a, int aOff, float[] p, int pOff, int kLen, float[] c, int cOff, int ldc, boolean accumulate);

    /** {@link #tile} with the panel given as bfloat16 bits, widened in registers; the same FMA chain, so the same bits. */
    void tileBf16(float[] a, int aOff, short[] p, int pOff, int kLen, float[] c, int cOff, int ldc, boolean accumulate);

    /** {@link #tile} with the panel given as int8 values, widened to float in registers (exactly). */
    void tileI8(float[] a, int aOff, byte[] p, int pOff, int kLen, float[] c, int cOff, int ldc, boolean accumulate);

    /**
     * Whether {@link #tileBf16} / {@link #tileI8} beat widening a whole panel to float first and running {@link #tile}
     * for weights of this type.
     */
    boolean widensInRegisters(DType weights);

    /** Widens {@code n} int8 values to float. */
    void i8ToFloat(byte[] src, int srcOff, float[] dst, int dstOff, int n);

    /** {@code sum x[i] * y[i]} (float accumulation, in a fixed order for a given n). */
    float dot(float[] x, int xOff, float[] y, int yOff, int n);

    /** {@link #dot} with y as bfloat16 bits. */
    float dotBf16(float[] x, int xOff, short[] y, int yOff, int n);

    /** {@link #dot} with y as int8 values. */
    float dotI8(float[] x, int xOff, byte[] y, int yOff, int n);

    /** {@code x[i] *= y[i]}. */
    void multiply(float[] x, int xOff, float[] y, int yOff, int n);

    /** Widens {@code n} bfloat16 values (raw bits) to float. */
    void bf16ToFloat(short[] src, int srcOff, float[] dst, int dstOff, int n);

    /** Rounds {@code n} floats to bfloat16 bits as {@link Half#floatToBf16} does (nearest even, NaN kept quiet). */
    void floatToBf16(float[] src, int srcOff, short[] dst, int dstOff, int n);

    /** Widens {@code n} IEEE half-precision values (raw bits) to float, subnormals, infinities and NaN included. */
    void f16ToFloat(short[] src, int srcOff, float[] dst, int dstOff, int n);

    /** {@code x[i] += y[i]}. */
    void add(float[] x, int xOff, float[] y, int yOff, int n);

    /** {@code x[i] = x[i] * scale + bias[i]} ({@code bias} may be null: scale only). */
    void scaleAdd(float[] x, int xOff, int n, float scale, float[] bias, int biasOff);

    /** {@code x[i] /= divisor} (a true division, as PyTorch's {@code x / norm}). */
    void divide(float[] x, int off, int n, float divisor);

    /** The sum of {@code x[off..off+n)}. */
    float sum(float[] x, int off, int n);

    /** The sum of {@code (x[i] - mean)^2}. */
    float sumSquaredDeviations(float[] x, int off, int n, float mean);

    /** The sum of {@code x[i]^2}. */
    float sumOfSquares(float[] x, int off, int n);

    /** {@code out[i] = (x[i] - mean) * invStd * gamma[i] + beta[i]}: the affine step of LayerNorm. */
    void layerNormAffine(
            float[] x, int xOff, int n, float mean, float invStd, float[] gamma, float[] beta, float[] out, int outOff);

    /** The largest of {@code x[off..off+n)}. */
    float max(float[] x, int off, int n);

    /** {@code x[i] = exp(x[i] - shift)}, returning the sum of the new values (the softmax numerator). */
    float expShifted(float[] x, int off, int n, float shift);

    /** GELU, exact (erf) form: {@code x/2 * (1 + erf(x/sqrt 2))}, in place. */
    void gelu(float[] x, int off, int n);

    /** QuickGELU: {@code x * sigmoid(1.702 x)}, in place. */
    void quickGelu(float[] x, int off, int n);
}
