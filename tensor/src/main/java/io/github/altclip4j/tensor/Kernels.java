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

    /** A short name for logs and benchmark reports, e.g. {@code "vector-512"} or {@code "scalar"}. */
    String name();

    /**
     * Rows of A handled by one {@link #tile} call (the register tile's height, see {@link Tile5x4} and
     * {@link Tile4x2}); A is packed in micro-panels of this many rows ({@link MicroPanels}).
     */
    int tileRows();

    /** Columns of one packed weight panel: the register tile's width (4 x 16 floats with AVX-512, 2 x 8 with AVX2). */
    int panelWidth();

    /**
     * The GEMM micro-kernel: {@code C[tr][pw] = A[tr][kLen] · P[kLen][pw]}, with {@code tr = tileRows()} and
     * {@code pw = panelWidth()}. A comes as a micro-panel (see {@link MicroPanels}): element (r, k) at
     * {@code aOff + tr*k + r}, so the values a step of k needs are adjacent and one index register walks them. Row k
     * of the panel is at {@code pOff + k*pw}. C is the tile alone, {@code [tr][pw]} from index 0: a fixed shape keeps
     * the kernel's general registers free (with the caller's row stride and offset live across the loop, C2 spilled
     * accumulators in about half the JVM starts), and the caller adds the epilogue and copies it out. Every element is
     * one chain of fused multiply-adds in increasing k, started from zero; with {@code accumulate} what C holds is then
     * added to the chain's sum (a later block of k, {@link Gemm}'s "Summation"), else the sum replaces it.
     */
    void tile(float[] a, int aOff, float[] p, int pOff, int kLen, float[] c, boolean accumulate);

    /** {@link #tile} with the panel given as bfloat16 bits, widened in registers; the same FMA chain, so the same bits. */
    void tileBf16(float[] a, int aOff, short[] p, int pOff, int kLen, float[] c, boolean accumulate);

    /** {@link #tile} with the panel given as int8 values, widened to float in registers (exactly). */
    void tileI8(float[] a, int aOff, byte[] p, int pOff, int kLen, float[] c, boolean accumulate);

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

    /**
     * {@code steps} rounds of eight independent chains of fused multiply-adds on registers, the first vectors of
     * {@code acc} in and out; returns the floating-point operations done. The FMA peak of one core, for
     * {@link KernelCheck}.
     */
    long fmaChains(float[] acc, int steps);
}
