package io.github.altclip4j.tensor;

import static io.github.altclip4j.tensor.Vectors.B;
import static io.github.altclip4j.tensor.Vectors.D;
import static io.github.altclip4j.tensor.Vectors.F;
import static io.github.altclip4j.tensor.Vectors.I;
import static io.github.altclip4j.tensor.Vectors.L;
import static io.github.altclip4j.tensor.Vectors.S;
import static io.github.altclip4j.tensor.Vectors.bf16;
import static io.github.altclip4j.tensor.Vectors.exact;
import static io.github.altclip4j.tensor.Vectors.i8;
import static io.github.altclip4j.tensor.Vectors.widen;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Vector API kernels on the platform's preferred float species (512 bits where AVX-512 exists).
 * Only loaded when {@code jdk.incubator.vector} is in the boot layer (see {@link Backend}).
 *
 * <p>Each method mirrors its counterpart in {@link ScalarKernels}; the full-width part runs on vectors and the
 * ragged tail on the scalar code, which computes exactly the same per-element operations.
 */
final class VectorKernels implements Kernels {

    private static final ScalarKernels TAIL = new ScalarKernels();

    /**
     * The register tile follows the register file: 32 vector registers (AVX-512, every aarch64 core) hold the 5 x 4
     * tile's 29 live vectors, 16 (AVX2) the 4 x 2 tile's 14 (see there).
     */
    private static final boolean WIDE_TILE =
            F.vectorBitSize() >= 512 || "aarch64".equals(System.getProperty("os.arch"));

    @Override
    public String name() {
        return "vector-" + F.vectorBitSize();
    }

    @Override
    public int tileRows() {
        return WIDE_TILE ? Tile5x4.ROWS : Tile4x2.ROWS;
    }

    @Override
    public int panelWidth() {
        return WIDE_TILE ? Tile5x4.PW : Tile4x2.PW;
    }

    @Override
    public void tile(float[] a, int aOff, float[] p, int pOff, int kLen, float[] c, boolean accumulate) {
        if (WIDE_TILE) Tile5x4.f32(a, aOff, p, pOff, kLen, c, accumulate);
        else Tile4x2.f32(a, aOff, p, pOff, kLen, c, accumulate);
    }

    @Override
    public void tileBf16(float[] a, int aOff, short[] p, int pOff, int kLen, float[] c, boolean accumulate) {
        if (WIDE_TILE) Tile5x4.bf16Panel(a, aOff, p, pOff, kLen, c, accumulate);
        else Tile4x2.bf16Panel(a, aOff, p, pOff, kLen, c, accumulate);
    }

    @Override
    public void tileI8(float[] a, int aOff, byte[] p, int pOff, int kLen, float[] c, boolean accumulate) {
        if (WIDE_TILE) Tile5x4.i8Panel(a, aOff, p, pOff, kLen, c, accumulate);
        else Tile4x2.i8Panel(a, aOff, p, pOff, kLen, c, accumulate);
    }

    /**
     * On JDK 17 the in-register widening is fast only in some JVM starts: C2 17 allocates the tile's registers
     * differently from one run to the next, and with the widening's extra live values it spills in about half of them
     * (image tower, int8: 0.35 s in 4 of 8 starts, 0.57-0.64 s in the others; BF16: slow in 1 of 8). So there 16-bit
     * and int8 panels are widened to float a panel at a time first. JDK 21 and later compile both well. F16 is always
     * widened first (its conversion is several operations per value).
     */
    @Override
    public boolean widensInRegisters(DType weights) {
        return weights != DType.F16 && weights != DType.F32 && Runtime.version().feature() >= 21;
    }

    @Override
    public void i8ToFloat(byte[] src, int srcOff, float[] dst, int dstOff, int n) {
        int i = 0;
        for (int bound = B.loopBound(n); i < bound; i += L) i8(src, srcOff + i).intoArray(dst, dstOff + i);
        TAIL.i8ToFloat(src, srcOff + i, dst, dstOff + i, n - i);
    }

    // Dot products for search: two accumulators (the FMA latency), lanes summed at the end, the tail in scalar FMAs.

    /**
     * The lanes' sum in one fixed order, a halving tree (lane j plus lane j + L/2, then again on the first half...).
     * Not {@code reduceLanes(ADD)}: its order is unspecified, and C2 on JDK 25 compiles an order other than the
     * interpreter's, so a search score changed by an ulp once the JIT had warmed up, and a ranking with it. The
     * lanewise adds here are exact IEEE operations in any compiler.
     */
    private static float sumLanes(FloatVector v) {
        for (int half = L / 2; half > 8; half /= 2) v = exact(v).add(exact(v).slice(half)); // wider than 512 bits
        // Written out (the branches fold, L is a constant): a loop would make v a loop variable (see Vectors).
        v = exact(v);
        if (L > 8) v = v.add(v.slice(8));
        if (L > 4) v = v.add(v.slice(4));
        if (L > 2) v = v.add(v.slice(2));
        if (L > 1) v = v.add(v.slice(1));
        return v.lane(0);
    }

    /** {@link #sumLanes(FloatVector)} for double lanes. */
    private static double sumLanes(DoubleVector v) {
        int lanes = D.length();
        for (int half = lanes / 2; half > 4; half /= 2) v = exact(v).add(exact(v).slice(half));
        v = exact(v);
        if (lanes > 4) v = v.add(v.slice(4));
        if (lanes > 2) v = v.add(v.slice(2));
        if (lanes > 1) v = v.add(v.slice(1));
        return v.lane(0);
    }

    @Override
    public float dot(float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0;
        int i = 0;
        for (int bound = n - 2 * L; i <= bound; i += 2 * L) {
            a0 = FloatVector.fromArray(F, x, xOff + i).fma(FloatVector.fromArray(F, y, yOff + i), a0);
            a1 = FloatVector.fromArray(F, x, xOff + i + L).fma(FloatVector.fromArray(F, y, yOff + i + L), a1);
        }
        float s = sumLanes(exact(a0).add(a1));
        for (; i < n; i++) s = Math.fma(x[xOff + i], y[yOff + i], s);
        return s;
    }

    @Override
    public float dotBf16(float[] x, int xOff, short[] y, int yOff, int n) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0;
        int i = 0;
        for (int bound = n - 2 * L; i <= bound; i += 2 * L) {
            a0 = FloatVector.fromArray(F, x, xOff + i).fma(bf16(y, yOff + i), a0);
            a1 = FloatVector.fromArray(F, x, xOff + i + L).fma(bf16(y, yOff + i + L), a1);
        }
        float s = sumLanes(exact(a0).add(a1));
        for (; i < n; i++) s = Math.fma(x[xOff + i], Half.bf16ToFloat(y[yOff + i]), s);
        return s;
    }

    @Override
    public float dotI8(float[] x, int xOff, byte[] y, int yOff, int n) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0;
        int i = 0;
        for (int bound = n - 2 * L; i <= bound; i += 2 * L) {
            a0 = FloatVector.fromArray(F, x, xOff + i).fma(i8(y, yOff + i), a0);
            a1 = FloatVector.fromArray(F, x, xOff + i + L).fma(i8(y, yOff + i + L), a1);
        }
        float s = sumLanes(exact(a0).add(a1));
        for (; i < n; i++) s = Math.fma(x[xOff + i], y[yOff + i], s);
        return s;
    }

    @Override
    public void multiply(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(F, x, xOff + i)
                    .mul(FloatVector.fromArray(F, y, yOff + i))
                    .intoArray(x, xOff + i);
        }
        TAIL.multiply(x, xOff + i, y, yOff + i, n - i);
    }

    @Override
    public void bf16ToFloat(short[] src, int srcOff, float[] dst, int dstOff, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            widen(src, srcOff + i)
                    .lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats()
                    .intoArray(dst, dstOff + i);
        }
        TAIL.bf16ToFloat(src, srcOff + i, dst, dstOff + i, n - i);
    }

    /** Same bit recipe as {@link Half#floatToBf16}, lane-wise: add the rounding bias, keep the high half. */
    @Override
    public void floatToBf16(float[] src, int srcOff, short[] dst, int dstOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector f = FloatVector.fromArray(F, src, srcOff + i);
            IntVector x = f.reinterpretAsInts();
            IntVector high = x.lanewise(VectorOperators.LSHR, 16);
            IntVector rounded = x.add(high.and(1)).add(0x7FFF).lanewise(VectorOperators.LSHR, 16);
            IntVector bits = rounded.blend(
                    high.or(0x0040), f.test(VectorOperators.IS_NAN).cast(I));
            ((ShortVector) bits.convertShape(VectorOperators.I2S, S, 0)).intoArray(dst, dstOff + i);
        }
        TAIL.floatToBf16(src, srcOff + i, dst, dstOff + i, n - i);
    }

    /** Same bit recipe as {@link Half#f16ToFloat}, lane-wise. */
    @Override
    public void f16ToFloat(short[] src, int srcOff, float[] dst, int dstOff, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            IntVector h = widen(src, srcOff + i).and(0xFFFF);
            IntVector sign = h.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            IntVector magnitude = h.and(0x7FFF).lanewise(VectorOperators.LSHL, 13);
            VectorMask<Integer> special = h.and(0x7C00).eq(0x7C00);
            IntVector finite =
                    magnitude.reinterpretAsFloats().mul(Half.F16_REBIAS).reinterpretAsInts();
            finite.blend(magnitude.or(0x7F800000), special)
                    .or(sign)
                    .reinterpretAsFloats()
                    .intoArray(dst, dstOff + i);
        }
        TAIL.f16ToFloat(src, srcOff + i, dst, dstOff + i, n - i);
    }

    @Override
    public void add(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(F, x, xOff + i)
                    .add(FloatVector.fromArray(F, y, yOff + i))
                    .intoArray(x, xOff + i);
        }
        TAIL.add(x, xOff + i, y, yOff + i, n - i);
    }

    @Override
    public void scaleAdd(float[] x, int xOff, int n, float scale, float[] bias, int biasOff) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + i);
            v = bias == null
                    ? v.mul(scale)
                    : v.fma(FloatVector.broadcast(F, scale), FloatVector.fromArray(F, bias, biasOff + i));
            v.intoArray(x, xOff + i);
        }
        TAIL.scaleAdd(x, xOff + i, n - i, scale, bias, biasOff + i);
    }

    @Override
    public void divide(float[] x, int off, int n, float divisor) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L)
            FloatVector.fromArray(F, x, off + i).div(divisor).intoArray(x, off + i);
        TAIL.divide(x, off + i, n - i, divisor);
    }

    // Reductions accumulate in double lanes (each float vector widened into two double vectors): a row of LayerNorm
    // is 1024+ values, and float partial sums would put a few ulps of error into every normalised output.

    @Override
    public float sum(float[] x, int off, int n) {
        DoubleVector lo = DoubleVector.zero(D), hi = DoubleVector.zero(D);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, off + i);
            lo = ((DoubleVector) v.convertShape(VectorOperators.F2D, D, 0)).add(lo);
            hi = ((DoubleVector) v.convertShape(VectorOperators.F2D, D, 1)).add(hi);
        }
        double s = sumLanes(exact(lo).add(hi));
        for (; i < n; i++) s += x[off + i];
        return (float) s;
    }

    @Override
    public float sumSquaredDeviations(float[] x, int off, int n, float mean) {
        DoubleVector lo = DoubleVector.zero(D), hi = DoubleVector.zero(D);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector d = FloatVector.fromArray(F, x, off + i).sub(mean);
            DoubleVector d0 = (DoubleVector) d.convertShape(VectorOperators.F2D, D, 0);
            DoubleVector d1 = (DoubleVector) d.convertShape(VectorOperators.F2D, D, 1);
            lo = d0.fma(d0, lo);
            hi = d1.fma(d1, hi);
        }
        double s = sumLanes(exact(lo).add(hi));
        for (; i < n; i++) {
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
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(F, x, xOff + i)
                    .sub(mean)
                    .mul(invStd)
                    .fma(FloatVector.fromArray(F, gamma, i), FloatVector.fromArray(F, beta, i))
                    .intoArray(out, outOff + i);
        }
        ScalarKernels.layerNormAffineFrom(i, x, xOff, n, mean, invStd, gamma, beta, out, outOff);
    }

    @Override
    public float max(float[] x, int off, int n) {
        FloatVector acc = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L)
            acc = FloatVector.fromArray(F, x, off + i).max(acc);
        return Math.max(exact(acc).reduceLanes(VectorOperators.MAX), TAIL.max(x, off + i, n - i));
    }

    @Override
    public float expShifted(float[] x, int off, int n, float shift) {
        DoubleVector lo = DoubleVector.zero(D), hi = DoubleVector.zero(D);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector e = exp(FloatVector.fromArray(F, x, off + i).sub(shift));
            e.intoArray(x, off + i);
            lo = ((DoubleVector) e.convertShape(VectorOperators.F2D, D, 0)).add(lo);
            hi = ((DoubleVector) e.convertShape(VectorOperators.F2D, D, 1)).add(hi);
        }
        double s = sumLanes(exact(lo).add(hi));
        for (; i < n; i++) {
            float e = FastMath.exp(x[off + i] - shift);
            x[off + i] = e;
            s += e;
        }
        return (float) s;
    }

    @Override
    public void gelu(float[] x, int off, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, off + i);
            v.mul(0.5f).mul(onePlusErf(v.mul(FastMath.SQRT1_2))).intoArray(x, off + i);
        }
        TAIL.gelu(x, off + i, n - i);
    }

    @Override
    public long fmaChains(float[] acc, int steps) {
        FloatVector x = FloatVector.broadcast(F, 0.999f), y = FloatVector.broadcast(F, 0.001f);
        FloatVector a0 = FloatVector.fromArray(F, acc, 0), a1 = FloatVector.fromArray(F, acc, L);
        FloatVector a2 = FloatVector.fromArray(F, acc, 2 * L), a3 = FloatVector.fromArray(F, acc, 3 * L);
        FloatVector a4 = FloatVector.fromArray(F, acc, 4 * L), a5 = FloatVector.fromArray(F, acc, 5 * L);
        FloatVector a6 = FloatVector.fromArray(F, acc, 6 * L), a7 = FloatVector.fromArray(F, acc, 7 * L);
        for (int s = 0; s < steps; s++) {
            a0 = x.fma(a0, y);
            a1 = x.fma(a1, y);
            a2 = x.fma(a2, y);
            a3 = x.fma(a3, y);
            a4 = x.fma(a4, y);
            a5 = x.fma(a5, y);
            a6 = x.fma(a6, y);
            a7 = x.fma(a7, y);
        }
        exact(a0).intoArray(acc, 0);
        exact(a1).intoArray(acc, L);
        exact(a2).intoArray(acc, 2 * L);
        exact(a3).intoArray(acc, 3 * L);
        exact(a4).intoArray(acc, 4 * L);
        exact(a5).intoArray(acc, 5 * L);
        exact(a6).intoArray(acc, 6 * L);
        exact(a7).intoArray(acc, 7 * L);
        return 16L * L * steps;
    }

    @Override
    public void quickGelu(float[] x, int off, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, off + i);
            v.div(exp(v.mul(-FastMath.QUICK_GELU_ALPHA)).add(1f)).intoArray(x, off + i);
        }
        TAIL.quickGelu(x, off + i, n - i);
    }

    /** {@link FastMath#exp}, lane-wise, operation for operation. */
    private static FloatVector exp(FloatVector x) {
        VectorMask<Float> underflow = x.lt(FastMath.EXP_LO);
        x = x.min(FastMath.EXP_HI);
        FloatVector t = x.fma(FloatVector.broadcast(F, FastMath.LOG2E), FloatVector.broadcast(F, FastMath.ROUND_MAGIC));
        FloatVector n = t.sub(FastMath.ROUND_MAGIC);
        FloatVector twoToN = t.reinterpretAsInts()
                .sub(Float.floatToRawIntBits(FastMath.ROUND_MAGIC))
                .add(127)
                .lanewise(VectorOperators.LSHL, 23)
                .reinterpretAsFloats();
        FloatVector minusN = n.neg();
        FloatVector r = minusN.fma(FloatVector.broadcast(F, FastMath.LN2_HI), x);
        r = minusN.fma(FloatVector.broadcast(F, FastMath.LN2_LO), r);
        float[] c = FastMath.EXP_POLY;
        FloatVector p = FloatVector.broadcast(F, c[0]);
        for (int i = 1; i < c.length; i++) p = r.fma(p, FloatVector.broadcast(F, c[i])); // r * p: p is a loop variable
        FloatVector y = p.fma(r.mul(r), r).add(1f);
        return y.mul(twoToN).blend(0f, underflow);
    }

    /** {@link FastMath#onePlusErf}, lane-wise, operation for operation (both branches computed, then blended). */
    private static FloatVector onePlusErf(FloatVector z) {
        FloatVector a = z.abs();
        FloatVector z2 = z.mul(z);
        float[] pc = FastMath.ERF_P, qc = FastMath.ERFC_Q;
        FloatVector p = FloatVector.broadcast(F, pc[0]);
        for (int i = 1; i < pc.length; i++) p = z2.fma(p, FloatVector.broadcast(F, pc[i]));
        FloatVector series = z.fma(p, FloatVector.broadcast(F, 1f));
        FloatVector ac = a.min(FastMath.ERFC_CLAMP);
        FloatVector t = FloatVector.broadcast(F, 1f).div(ac);
        FloatVector q = FloatVector.broadcast(F, qc[0]);
        for (int i = 1; i < qc.length; i++) q = t.fma(q, FloatVector.broadcast(F, qc[i]));
        FloatVector erfc = exp(ac.mul(ac).neg()).mul(q);
        FloatVector tail = FloatVector.broadcast(F, 2f).sub(erfc).blend(erfc, z.lt(0f));
        return tail.blend(series, a.lt(FastMath.ERF_SPLIT));
    }
}
