package io.github.altclip4j.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels on the platform's preferred float species (512 bits where AVX-512 exists).
 * Only loaded when {@code jdk.incubator.vector} is in the boot layer (see {@link Backend}).
 *
 * <p>Each method mirrors its counterpart in {@link ScalarKernels}; the full-width part runs on vectors and the
 * ragged tail on the scalar code, which computes exactly the same per-element operations.
 */
final class VectorKernels implements Kernels {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    /** Shorts with as many lanes as {@link #F}: one load of 16-bit weights widens to one float vector. */
    private static final VectorSpecies<Short> S =
            ShortVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(F.vectorBitSize() / 2));
    /** Bytes with as many lanes as {@link #F}: one load of int8 weights widens to one float vector. */
    private static final VectorSpecies<Byte> B =
            ByteVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(F.vectorBitSize() / 4));
    /** Doubles with as many lanes as half a float vector: one float vector widens into two of these. */
    private static final VectorSpecies<Double> D =
            DoubleVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(F.vectorBitSize()));

    private static final ScalarKernels TAIL = new ScalarKernels();

    @Override
    public String name() {
        return "vector-" + F.vectorBitSize();
    }

    /** Columns of a weight panel: four vectors. */
    private static final int PW = 4 * L;

    @Override
    public int panelWidth() {
        return PW;
    }

    // spotless:off: the register tiles, laid out as the 5 x 4 grid they compute
    /**
     * The register tile: 5 rows x 4 vectors = 20 accumulators. Per k it loads 4 vectors of the panel row and
     * broadcasts 5 elements of A, then issues 20 independent FMAs: enough in flight to cover the FMA latency, and 9
     * loads for 20 FMAs keeps the load ports below the FMA ports. The panel row is contiguous (the weights were packed
     * for exactly this walk), so each k touches one 256-byte line pair of B; the five values of A are adjacent too (a
     * micro-panel), so the loop needs two indices and 25 of the 32 vector registers. Both choices are for JDK 17's C2
     * (docs/performance.md): with one index per row of A it ran out of general registers (array base and loop bound on
     * the stack, an accumulator spilled: 205 instead of 270 GFLOPS on one core), and a 6-row tile (24 accumulators, 29
     * registers) came out with five accumulators spilled in about one JVM start in three (195 GFLOPS) while 5 rows run
     * at the same 260-280 GFLOPS every time, on JDK 25 as well.
     */
    @Override
    public void tile(float[] a, int aOff, float[] p, int pOff, int kLen,
                     float[] c, int cOff, int ldc, boolean accumulate) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector c00 = zero, c01 = zero, c02 = zero, c03 = zero;
        FloatVector c10 = zero, c11 = zero, c12 = zero, c13 = zero;
        FloatVector c20 = zero, c21 = zero, c22 = zero, c23 = zero;
        FloatVector c30 = zero, c31 = zero, c32 = zero, c33 = zero;
        FloatVector c40 = zero, c41 = zero, c42 = zero, c43 = zero;
        for (int k = 0; k < kLen; k++) {
            int pk = pOff + k * PW, ak = aOff + TILE_ROWS * k;
            FloatVector b0 = FloatVector.fromArray(F, p, pk);
            FloatVector b1 = FloatVector.fromArray(F, p, pk + L);
            FloatVector b2 = FloatVector.fromArray(F, p, pk + 2 * L);
            FloatVector b3 = FloatVector.fromArray(F, p, pk + 3 * L);
            FloatVector av;
            av = FloatVector.broadcast(F, a[ak]);
            c00 = av.fma(b0, c00); c01 = av.fma(b1, c01); c02 = av.fma(b2, c02); c03 = av.fma(b3, c03);
            av = FloatVector.broadcast(F, a[ak + 1]);
            c10 = av.fma(b0, c10); c11 = av.fma(b1, c11); c12 = av.fma(b2, c12); c13 = av.fma(b3, c13);
            av = FloatVector.broadcast(F, a[ak + 2]);
            c20 = av.fma(b0, c20); c21 = av.fma(b1, c21); c22 = av.fma(b2, c22); c23 = av.fma(b3, c23);
            av = FloatVector.broadcast(F, a[ak + 3]);
            c30 = av.fma(b0, c30); c31 = av.fma(b1, c31); c32 = av.fma(b2, c32); c33 = av.fma(b3, c33);
            av = FloatVector.broadcast(F, a[ak + 4]);
            c40 = av.fma(b0, c40); c41 = av.fma(b1, c41); c42 = av.fma(b2, c42); c43 = av.fma(b3, c43);
        }
        // With accumulate, this block's sums plus the earlier blocks' (the same bits as adding them afterwards).
        // Written out: a helper method taking the vectors, if C2 does not inline it, boxes every accumulator (12x
        // slower).
        if (accumulate) {
            c00 = c00.add(FloatVector.fromArray(F, c, cOff)); c01 = c01.add(FloatVector.fromArray(F, c, cOff + L)); c02 = c02.add(FloatVector.fromArray(F, c, cOff + 2 * L)); c03 = c03.add(FloatVector.fromArray(F, c, cOff + 3 * L));
            c10 = c10.add(FloatVector.fromArray(F, c, cOff + 1 * ldc)); c11 = c11.add(FloatVector.fromArray(F, c, cOff + 1 * ldc + L)); c12 = c12.add(FloatVector.fromArray(F, c, cOff + 1 * ldc + 2 * L)); c13 = c13.add(FloatVector.fromArray(F, c, cOff + 1 * ldc + 3 * L));
            c20 = c20.add(FloatVector.fromArray(F, c, cOff + 2 * ldc)); c21 = c21.add(FloatVector.fromArray(F, c, cOff + 2 * ldc + L)); c22 = c22.add(FloatVector.fromArray(F, c, cOff + 2 * ldc + 2 * L)); c23 = c23.add(FloatVector.fromArray(F, c, cOff + 2 * ldc + 3 * L));
            c30 = c30.add(FloatVector.fromArray(F, c, cOff + 3 * ldc)); c31 = c31.add(FloatVector.fromArray(F, c, cOff + 3 * ldc + L)); c32 = c32.add(FloatVector.fromArray(F, c, cOff + 3 * ldc + 2 * L)); c33 = c33.add(FloatVector.fromArray(F, c, cOff + 3 * ldc + 3 * L));
            c40 = c40.add(FloatVector.fromArray(F, c, cOff + 4 * ldc)); c41 = c41.add(FloatVector.fromArray(F, c, cOff + 4 * ldc + L)); c42 = c42.add(FloatVector.fromArray(F, c, cOff + 4 * ldc + 2 * L)); c43 = c43.add(FloatVector.fromArray(F, c, cOff + 4 * ldc + 3 * L));
        }
        c00.intoArray(c, cOff); c01.intoArray(c, cOff + L); c02.intoArray(c, cOff + 2 * L); c03.intoArray(c, cOff + 3 * L);
        c10.intoArray(c, cOff + 1 * ldc); c11.intoArray(c, cOff + 1 * ldc + L); c12.intoArray(c, cOff + 1 * ldc + 2 * L); c13.intoArray(c, cOff + 1 * ldc + 3 * L);
        c20.intoArray(c, cOff + 2 * ldc); c21.intoArray(c, cOff + 2 * ldc + L); c22.intoArray(c, cOff + 2 * ldc + 2 * L); c23.intoArray(c, cOff + 2 * ldc + 3 * L);
        c30.intoArray(c, cOff + 3 * ldc); c31.intoArray(c, cOff + 3 * ldc + L); c32.intoArray(c, cOff + 3 * ldc + 2 * L); c33.intoArray(c, cOff + 3 * ldc + 3 * L);
        c40.intoArray(c, cOff + 4 * ldc); c41.intoArray(c, cOff + 4 * ldc + L); c42.intoArray(c, cOff + 4 * ldc + 2 * L); c43.intoArray(c, cOff + 4 * ldc + 3 * L);
    }

    /**
     * {@link #tile} with a BF16 panel widened in registers (short -> int, shift left 16): half the bytes per weight.
     * Only used where the JIT compiles the widening well ({@link #widensInRegisters}).
     *
     * <p>The body repeats {@link #tile} on purpose: only the four panel loads differ, and passing them in as a function
     * or keeping the 20 accumulators in an array instead of locals costs the kernel its registers. Change both together
     * ({@code GemmTest.bf16TileEqualsTheFloatTileOnWidenedValuesBitForBit} checks that they compute the same bits).
     */
    @Override
    public void tileBf16(float[] a, int aOff, short[] p, int pOff, int kLen,
                     float[] c, int cOff, int ldc, boolean accumulate) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector c00 = zero, c01 = zero, c02 = zero, c03 = zero;
        FloatVector c10 = zero, c11 = zero, c12 = zero, c13 = zero;
        FloatVector c20 = zero, c21 = zero, c22 = zero, c23 = zero;
        FloatVector c30 = zero, c31 = zero, c32 = zero, c33 = zero;
        FloatVector c40 = zero, c41 = zero, c42 = zero, c43 = zero;
        for (int k = 0; k < kLen; k++) {
            int pk = pOff + k * PW, ak = aOff + TILE_ROWS * k;
            FloatVector b0 = bf16(p, pk);
            FloatVector b1 = bf16(p, pk + L);
            FloatVector b2 = bf16(p, pk + 2 * L);
            FloatVector b3 = bf16(p, pk + 3 * L);
            FloatVector av;
            av = FloatVector.broadcast(F, a[ak]);
            c00 = av.fma(b0, c00); c01 = av.fma(b1, c01); c02 = av.fma(b2, c02); c03 = av.fma(b3, c03);
            av = FloatVector.broadcast(F, a[ak + 1]);
            c10 = av.fma(b0, c10); c11 = av.fma(b1, c11); c12 = av.fma(b2, c12); c13 = av.fma(b3, c13);
            av = FloatVector.broadcast(F, a[ak + 2]);
            c20 = av.fma(b0, c20); c21 = av.fma(b1, c21); c22 = av.fma(b2, c22); c23 = av.fma(b3, c23);
            av = FloatVector.broadcast(F, a[ak + 3]);
            c30 = av.fma(b0, c30); c31 = av.fma(b1, c31); c32 = av.fma(b2, c32); c33 = av.fma(b3, c33);
            av = FloatVector.broadcast(F, a[ak + 4]);
            c40 = av.fma(b0, c40); c41 = av.fma(b1, c41); c42 = av.fma(b2, c42); c43 = av.fma(b3, c43);
        }
        if (accumulate) { // as in tile
            c00 = c00.add(FloatVector.fromArray(F, c, cOff)); c01 = c01.add(FloatVector.fromArray(F, c, cOff + L)); c02 = c02.add(FloatVector.fromArray(F, c, cOff + 2 * L)); c03 = c03.add(FloatVector.fromArray(F, c, cOff + 3 * L));
            c10 = c10.add(FloatVector.fromArray(F, c, cOff + 1 * ldc)); c11 = c11.add(FloatVector.fromArray(F, c, cOff + 1 * ldc + L)); c12 = c12.add(FloatVector.fromArray(F, c, cOff + 1 * ldc + 2 * L)); c13 = c13.add(FloatVector.fromArray(F, c, cOff + 1 * ldc + 3 * L));
            c20 = c20.add(FloatVector.fromArray(F, c, cOff + 2 * ldc)); c21 = c21.add(FloatVector.fromArray(F, c, cOff + 2 * ldc + L)); c22 = c22.add(FloatVector.fromArray(F, c, cOff + 2 * ldc + 2 * L)); c23 = c23.add(FloatVector.fromArray(F, c, cOff + 2 * ldc + 3 * L));
            c30 = c30.add(FloatVector.fromArray(F, c, cOff + 3 * ldc)); c31 = c31.add(FloatVector.fromArray(F, c, cOff + 3 * ldc + L)); c32 = c32.add(FloatVector.fromArray(F, c, cOff + 3 * ldc + 2 * L)); c33 = c33.add(FloatVector.fromArray(F, c, cOff + 3 * ldc + 3 * L));
            c40 = c40.add(FloatVector.fromArray(F, c, cOff + 4 * ldc)); c41 = c41.add(FloatVector.fromArray(F, c, cOff + 4 * ldc + L)); c42 = c42.add(FloatVector.fromArray(F, c, cOff + 4 * ldc + 2 * L)); c43 = c43.add(FloatVector.fromArray(F, c, cOff + 4 * ldc + 3 * L));
        }
        c00.intoArray(c, cOff); c01.intoArray(c, cOff + L); c02.intoArray(c, cOff + 2 * L); c03.intoArray(c, cOff + 3 * L);
        c10.intoArray(c, cOff + 1 * ldc); c11.intoArray(c, cOff + 1 * ldc + L); c12.intoArray(c, cOff + 1 * ldc + 2 * L); c13.intoArray(c, cOff + 1 * ldc + 3 * L);
        c20.intoArray(c, cOff + 2 * ldc); c21.intoArray(c, cOff + 2 * ldc + L); c22.intoArray(c, cOff + 2 * ldc + 2 * L); c23.intoArray(c, cOff + 2 * ldc + 3 * L);
        c30.intoArray(c, cOff + 3 * ldc); c31.intoArray(c, cOff + 3 * ldc + L); c32.intoArray(c, cOff + 3 * ldc + 2 * L); c33.intoArray(c, cOff + 3 * ldc + 3 * L);
        c40.intoArray(c, cOff + 4 * ldc); c41.intoArray(c, cOff + 4 * ldc + L); c42.intoArray(c, cOff + 4 * ldc + 2 * L); c43.intoArray(c, cOff + 4 * ldc + 3 * L);
    }

    /**
     * {@link #tile} with an int8 panel widened in registers (byte -> int -> float, exact): a quarter of the bytes per
     * weight. Only used where the JIT compiles the widening well ({@link #widensInRegisters}); the same body as
     * {@link #tileBf16} but for the four panel loads (see there).
     */
    @Override
    public void tileI8(float[] a, int aOff, byte[] p, int pOff, int kLen,
                     float[] c, int cOff, int ldc, boolean accumulate) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector c00 = zero, c01 = zero, c02 = zero, c03 = zero;
        FloatVector c10 = zero, c11 = zero, c12 = zero, c13 = zero;
        FloatVector c20 = zero, c21 = zero, c22 = zero, c23 = zero;
        FloatVector c30 = zero, c31 = zero, c32 = zero, c33 = zero;
        FloatVector c40 = zero, c41 = zero, c42 = zero, c43 = zero;
        for (int k = 0; k < kLen; k++) {
            int pk = pOff + k * PW, ak = aOff + TILE_ROWS * k;
            FloatVector b0 = i8(p, pk);
            FloatVector b1 = i8(p, pk + L);
            FloatVector b2 = i8(p, pk + 2 * L);
            FloatVector b3 = i8(p, pk + 3 * L);
            FloatVector av;
            av = FloatVector.broadcast(F, a[ak]);
            c00 = av.fma(b0, c00); c01 = av.fma(b1, c01); c02 = av.fma(b2, c02); c03 = av.fma(b3, c03);
            av = FloatVector.broadcast(F, a[ak + 1]);
            c10 = av.fma(b0, c10); c11 = av.fma(b1, c11); c12 = av.fma(b2, c12); c13 = av.fma(b3, c13);
            av = FloatVector.broadcast(F, a[ak + 2]);
            c20 = av.fma(b0, c20); c21 = av.fma(b1, c21); c22 = av.fma(b2, c22); c23 = av.fma(b3, c23);
            av = FloatVector.broadcast(F, a[ak + 3]);
            c30 = av.fma(b0, c30); c31 = av.fma(b1, c31); c32 = av.fma(b2, c32); c33 = av.fma(b3, c33);
            av = FloatVector.broadcast(F, a[ak + 4]);
            c40 = av.fma(b0, c40); c41 = av.fma(b1, c41); c42 = av.fma(b2, c42); c43 = av.fma(b3, c43);
        }
        if (accumulate) { // as in tile
            c00 = c00.add(FloatVector.fromArray(F, c, cOff)); c01 = c01.add(FloatVector.fromArray(F, c, cOff + L)); c02 = c02.add(FloatVector.fromArray(F, c, cOff + 2 * L)); c03 = c03.add(FloatVector.fromArray(F, c, cOff + 3 * L));
            c10 = c10.add(FloatVector.fromArray(F, c, cOff + 1 * ldc)); c11 = c11.add(FloatVector.fromArray(F, c, cOff + 1 * ldc + L)); c12 = c12.add(FloatVector.fromArray(F, c, cOff + 1 * ldc + 2 * L)); c13 = c13.add(FloatVector.fromArray(F, c, cOff + 1 * ldc + 3 * L));
            c20 = c20.add(FloatVector.fromArray(F, c, cOff + 2 * ldc)); c21 = c21.add(FloatVector.fromArray(F, c, cOff + 2 * ldc + L)); c22 = c22.add(FloatVector.fromArray(F, c, cOff + 2 * ldc + 2 * L)); c23 = c23.add(FloatVector.fromArray(F, c, cOff + 2 * ldc + 3 * L));
            c30 = c30.add(FloatVector.fromArray(F, c, cOff + 3 * ldc)); c31 = c31.add(FloatVector.fromArray(F, c, cOff + 3 * ldc + L)); c32 = c32.add(FloatVector.fromArray(F, c, cOff + 3 * ldc + 2 * L)); c33 = c33.add(FloatVector.fromArray(F, c, cOff + 3 * ldc + 3 * L));
            c40 = c40.add(FloatVector.fromArray(F, c, cOff + 4 * ldc)); c41 = c41.add(FloatVector.fromArray(F, c, cOff + 4 * ldc + L)); c42 = c42.add(FloatVector.fromArray(F, c, cOff + 4 * ldc + 2 * L)); c43 = c43.add(FloatVector.fromArray(F, c, cOff + 4 * ldc + 3 * L));
        }
        c00.intoArray(c, cOff); c01.intoArray(c, cOff + L); c02.intoArray(c, cOff + 2 * L); c03.intoArray(c, cOff + 3 * L);
        c10.intoArray(c, cOff + 1 * ldc); c11.intoArray(c, cOff + 1 * ldc + L); c12.intoArray(c, cOff + 1 * ldc + 2 * L); c13.intoArray(c, cOff + 1 * ldc + 3 * L);
        c20.intoArray(c, cOff + 2 * ldc); c21.intoArray(c, cOff + 2 * ldc + L); c22.intoArray(c, cOff + 2 * ldc + 2 * L); c23.intoArray(c, cOff + 2 * ldc + 3 * L);
        c30.intoArray(c, cOff + 3 * ldc); c31.intoArray(c, cOff + 3 * ldc + L); c32.intoArray(c, cOff + 3 * ldc + 2 * L); c33.intoArray(c, cOff + 3 * ldc + 3 * L);
        c40.intoArray(c, cOff + 4 * ldc); c41.intoArray(c, cOff + 4 * ldc + L); c42.intoArray(c, cOff + 4 * ldc + 2 * L); c43.intoArray(c, cOff + 4 * ldc + 3 * L);
    }

    // spotless:on

    /** L bfloat16 values as floats: the bits shifted into the top half of each float. */
    private static FloatVector bf16(short[] p, int off) {
        return widen(p, off).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /** L int8 values as floats. */
    private static FloatVector i8(byte[] p, int off) {
        return (FloatVector) ByteVector.fromArray(B, p, off).convertShape(VectorOperators.B2F, F, 0);
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
        for (int half = L / 2; half > 0; half /= 2) v = v.add(v.slice(half));
        return v.lane(0);
    }

    /** {@link #sumLanes(FloatVector)} for double lanes. */
    private static double sumLanes(DoubleVector v) {
        for (int half = D.length() / 2; half > 0; half /= 2) v = v.add(v.slice(half));
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
        float s = sumLanes(a0.add(a1));
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
        float s = sumLanes(a0.add(a1));
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
        float s = sumLanes(a0.add(a1));
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

    /** Loads L shorts and sign-extends them to L ints. */
    private static IntVector widen(short[] src, int off) {
        return (IntVector) ShortVector.fromArray(S, src, off).convertShape(VectorOperators.S2I, I, 0);
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
            lo = lo.add(v.convertShape(VectorOperators.F2D, D, 0));
            hi = hi.add(v.convertShape(VectorOperators.F2D, D, 1));
        }
        double s = sumLanes(lo.add(hi));
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
        double s = sumLanes(lo.add(hi));
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
        for (int bound = F.loopBound(n); i < bound; i += L) acc = acc.max(FloatVector.fromArray(F, x, off + i));
        return Math.max(acc.reduceLanes(VectorOperators.MAX), TAIL.max(x, off + i, n - i));
    }

    @Override
    public float expShifted(float[] x, int off, int n, float shift) {
        DoubleVector lo = DoubleVector.zero(D), hi = DoubleVector.zero(D);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector e = exp(FloatVector.fromArray(F, x, off + i).sub(shift));
            e.intoArray(x, off + i);
            lo = lo.add(e.convertShape(VectorOperators.F2D, D, 0));
            hi = hi.add(e.convertShape(VectorOperators.F2D, D, 1));
        }
        double s = sumLanes(lo.add(hi));
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
        for (int i = 1; i < c.length; i++) p = p.fma(r, FloatVector.broadcast(F, c[i]));
        FloatVector y = p.fma(r.mul(r), r).add(1f);
        return y.mul(twoToN).blend(0f, underflow);
    }

    /** {@link FastMath#onePlusErf}, lane-wise, operation for operation (both branches computed, then blended). */
    private static FloatVector onePlusErf(FloatVector z) {
        FloatVector a = z.abs();
        FloatVector z2 = z.mul(z);
        float[] pc = FastMath.ERF_P, qc = FastMath.ERFC_Q;
        FloatVector p = FloatVector.broadcast(F, pc[0]);
        for (int i = 1; i < pc.length; i++) p = p.fma(z2, FloatVector.broadcast(F, pc[i]));
        FloatVector series = z.fma(p, FloatVector.broadcast(F, 1f));
        FloatVector ac = a.min(FastMath.ERFC_CLAMP);
        FloatVector t = FloatVector.broadcast(F, 1f).div(ac);
        FloatVector q = FloatVector.broadcast(F, qc[0]);
        for (int i = 1; i < qc.length; i++) q = q.fma(t, FloatVector.broadcast(F, qc[i]));
        FloatVector erfc = exp(ac.mul(ac).neg()).mul(q);
        FloatVector tail = FloatVector.broadcast(F, 2f).sub(erfc).blend(erfc, z.lt(0f));
        return tail.blend(series, a.lt(FastMath.ERF_SPLIT));
    }
}
