package io.github.altclip4j.tensor;

import static io.github.altclip4j.tensor.Vectors.F;
import static io.github.altclip4j.tensor.Vectors.L;
import static io.github.altclip4j.tensor.Vectors.bf16;
import static io.github.altclip4j.tensor.Vectors.i8;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * The GEMM micro-kernel for a file of 32 vector registers (AVX-512, and aarch64): a tile of 5 rows x 4 vectors, 20
 * accumulators. Per k it loads 4 vectors of the panel row and broadcasts 5 elements of A, then issues 20 independent
 * FMAs: enough in flight to cover the FMA latency, and 9 loads for 20 FMAs keeps the load ports below the FMA ports.
 * The panel row is contiguous (the weights were packed for exactly this walk) and the five values of A are adjacent
 * (a micro-panel), so the loop needs two indices and 25 of the 32 registers (29 where C2 issues the five broadcasts
 * first, as JDK 25 does). Both choices are for JDK 17's C2 (docs/performance.md): with one index per row of A it ran
 * out of general registers, and a 6-row tile (29 registers) spilled accumulators in about one JVM start in three.
 */
final class Tile5x4 {
    private Tile5x4() {}

    static final int ROWS = 5;
    /** Columns of a weight panel: 4 vectors. */
    static final int PW = 4 * L;

    /** What the first block of k adds its sums to. */
    static final float[] MINUS_ZEROS = new float[ROWS * PW];

    static {
        Arrays.fill(MINUS_ZEROS, -0f);
    }

    // spotless:off: the register tiles, laid out as the 5 x 4 grid they compute
    /** {@link Kernels#tile} on float panels. */
    static void f32(float[] a, int aOff, float[] p, int pOff, int kLen, float[] c, boolean accumulate) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector c00 = zero, c01 = zero, c02 = zero, c03 = zero;
        FloatVector c10 = zero, c11 = zero, c12 = zero, c13 = zero;
        FloatVector c20 = zero, c21 = zero, c22 = zero, c23 = zero;
        FloatVector c30 = zero, c31 = zero, c32 = zero, c33 = zero;
        FloatVector c40 = zero, c41 = zero, c42 = zero, c43 = zero;
        for (int k = 0; k < kLen; k++) {
            int pk = pOff + k * PW, ak = aOff + 5 * k;
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
        // The sums of the earlier blocks of k: C for a later block, -0 for the first (so the stored value is this
        // block's sum, bit for bit). The loaded vector is the receiver: see Vectors on the accumulators.
        float[] s = accumulate ? c : MINUS_ZEROS;
        FloatVector.fromArray(F, s, 0).add(c00).intoArray(c, 0); FloatVector.fromArray(F, s, L).add(c01).intoArray(c, L); FloatVector.fromArray(F, s, 2 * L).add(c02).intoArray(c, 2 * L); FloatVector.fromArray(F, s, 3 * L).add(c03).intoArray(c, 3 * L);
        FloatVector.fromArray(F, s, PW).add(c10).intoArray(c, PW); FloatVector.fromArray(F, s, PW + L).add(c11).intoArray(c, PW + L); FloatVector.fromArray(F, s, PW + 2 * L).add(c12).intoArray(c, PW + 2 * L); FloatVector.fromArray(F, s, PW + 3 * L).add(c13).intoArray(c, PW + 3 * L);
        FloatVector.fromArray(F, s, 2 * PW).add(c20).intoArray(c, 2 * PW); FloatVector.fromArray(F, s, 2 * PW + L).add(c21).intoArray(c, 2 * PW + L); FloatVector.fromArray(F, s, 2 * PW + 2 * L).add(c22).intoArray(c, 2 * PW + 2 * L); FloatVector.fromArray(F, s, 2 * PW + 3 * L).add(c23).intoArray(c, 2 * PW + 3 * L);
        FloatVector.fromArray(F, s, 3 * PW).add(c30).intoArray(c, 3 * PW); FloatVector.fromArray(F, s, 3 * PW + L).add(c31).intoArray(c, 3 * PW + L); FloatVector.fromArray(F, s, 3 * PW + 2 * L).add(c32).intoArray(c, 3 * PW + 2 * L); FloatVector.fromArray(F, s, 3 * PW + 3 * L).add(c33).intoArray(c, 3 * PW + 3 * L);
        FloatVector.fromArray(F, s, 4 * PW).add(c40).intoArray(c, 4 * PW); FloatVector.fromArray(F, s, 4 * PW + L).add(c41).intoArray(c, 4 * PW + L); FloatVector.fromArray(F, s, 4 * PW + 2 * L).add(c42).intoArray(c, 4 * PW + 2 * L); FloatVector.fromArray(F, s, 4 * PW + 3 * L).add(c43).intoArray(c, 4 * PW + 3 * L);
    }

    /**
     * {@link #f32} with a bfloat16 panel widened in registers (short -&gt; int, shift left 16): half the bytes per
     * weight. The body repeats {@link #f32} on purpose: only the panel loads differ, and passing them in as a function
     * or keeping the accumulators in an array instead of locals costs the kernel its registers. Change the three
     * together ({@code GemmTest} checks that they compute the same bits).
     */
    static void bf16Panel(float[] a, int aOff, short[] p, int pOff, int kLen, float[] c, boolean accumulate) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector c00 = zero, c01 = zero, c02 = zero, c03 = zero;
        FloatVector c10 = zero, c11 = zero, c12 = zero, c13 = zero;
        FloatVector c20 = zero, c21 = zero, c22 = zero, c23 = zero;
        FloatVector c30 = zero, c31 = zero, c32 = zero, c33 = zero;
        FloatVector c40 = zero, c41 = zero, c42 = zero, c43 = zero;
        for (int k = 0; k < kLen; k++) {
            int pk = pOff + k * PW, ak = aOff + 5 * k;
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
        // The sums of the earlier blocks of k: C for a later block, -0 for the first (so the stored value is this
        // block's sum, bit for bit). The loaded vector is the receiver: see Vectors on the accumulators.
        float[] s = accumulate ? c : MINUS_ZEROS;
        FloatVector.fromArray(F, s, 0).add(c00).intoArray(c, 0); FloatVector.fromArray(F, s, L).add(c01).intoArray(c, L); FloatVector.fromArray(F, s, 2 * L).add(c02).intoArray(c, 2 * L); FloatVector.fromArray(F, s, 3 * L).add(c03).intoArray(c, 3 * L);
        FloatVector.fromArray(F, s, PW).add(c10).intoArray(c, PW); FloatVector.fromArray(F, s, PW + L).add(c11).intoArray(c, PW + L); FloatVector.fromArray(F, s, PW + 2 * L).add(c12).intoArray(c, PW + 2 * L); FloatVector.fromArray(F, s, PW + 3 * L).add(c13).intoArray(c, PW + 3 * L);
        FloatVector.fromArray(F, s, 2 * PW).add(c20).intoArray(c, 2 * PW); FloatVector.fromArray(F, s, 2 * PW + L).add(c21).intoArray(c, 2 * PW + L); FloatVector.fromArray(F, s, 2 * PW + 2 * L).add(c22).intoArray(c, 2 * PW + 2 * L); FloatVector.fromArray(F, s, 2 * PW + 3 * L).add(c23).intoArray(c, 2 * PW + 3 * L);
        FloatVector.fromArray(F, s, 3 * PW).add(c30).intoArray(c, 3 * PW); FloatVector.fromArray(F, s, 3 * PW + L).add(c31).intoArray(c, 3 * PW + L); FloatVector.fromArray(F, s, 3 * PW + 2 * L).add(c32).intoArray(c, 3 * PW + 2 * L); FloatVector.fromArray(F, s, 3 * PW + 3 * L).add(c33).intoArray(c, 3 * PW + 3 * L);
        FloatVector.fromArray(F, s, 4 * PW).add(c40).intoArray(c, 4 * PW); FloatVector.fromArray(F, s, 4 * PW + L).add(c41).intoArray(c, 4 * PW + L); FloatVector.fromArray(F, s, 4 * PW + 2 * L).add(c42).intoArray(c, 4 * PW + 2 * L); FloatVector.fromArray(F, s, 4 * PW + 3 * L).add(c43).intoArray(c, 4 * PW + 3 * L);
    }

    /** {@link #f32} with an int8 panel widened to float in registers (exactly): a quarter of the bytes per weight. */
    static void i8Panel(float[] a, int aOff, byte[] p, int pOff, int kLen, float[] c, boolean accumulate) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector c00 = zero, c01 = zero, c02 = zero, c03 = zero;
        FloatVector c10 = zero, c11 = zero, c12 = zero, c13 = zero;
        FloatVector c20 = zero, c21 = zero, c22 = zero, c23 = zero;
        FloatVector c30 = zero, c31 = zero, c32 = zero, c33 = zero;
        FloatVector c40 = zero, c41 = zero, c42 = zero, c43 = zero;
        for (int k = 0; k < kLen; k++) {
            int pk = pOff + k * PW, ak = aOff + 5 * k;
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
        // The sums of the earlier blocks of k: C for a later block, -0 for the first (so the stored value is this
        // block's sum, bit for bit). The loaded vector is the receiver: see Vectors on the accumulators.
        float[] s = accumulate ? c : MINUS_ZEROS;
        FloatVector.fromArray(F, s, 0).add(c00).intoArray(c, 0); FloatVector.fromArray(F, s, L).add(c01).intoArray(c, L); FloatVector.fromArray(F, s, 2 * L).add(c02).intoArray(c, 2 * L); FloatVector.fromArray(F, s, 3 * L).add(c03).intoArray(c, 3 * L);
        FloatVector.fromArray(F, s, PW).add(c10).intoArray(c, PW); FloatVector.fromArray(F, s, PW + L).add(c11).intoArray(c, PW + L); FloatVector.fromArray(F, s, PW + 2 * L).add(c12).intoArray(c, PW + 2 * L); FloatVector.fromArray(F, s, PW + 3 * L).add(c13).intoArray(c, PW + 3 * L);
        FloatVector.fromArray(F, s, 2 * PW).add(c20).intoArray(c, 2 * PW); FloatVector.fromArray(F, s, 2 * PW + L).add(c21).intoArray(c, 2 * PW + L); FloatVector.fromArray(F, s, 2 * PW + 2 * L).add(c22).intoArray(c, 2 * PW + 2 * L); FloatVector.fromArray(F, s, 2 * PW + 3 * L).add(c23).intoArray(c, 2 * PW + 3 * L);
        FloatVector.fromArray(F, s, 3 * PW).add(c30).intoArray(c, 3 * PW); FloatVector.fromArray(F, s, 3 * PW + L).add(c31).intoArray(c, 3 * PW + L); FloatVector.fromArray(F, s, 3 * PW + 2 * L).add(c32).intoArray(c, 3 * PW + 2 * L); FloatVector.fromArray(F, s, 3 * PW + 3 * L).add(c33).intoArray(c, 3 * PW + 3 * L);
        FloatVector.fromArray(F, s, 4 * PW).add(c40).intoArray(c, 4 * PW); FloatVector.fromArray(F, s, 4 * PW + L).add(c41).intoArray(c, 4 * PW + L); FloatVector.fromArray(F, s, 4 * PW + 2 * L).add(c42).intoArray(c, 4 * PW + 2 * L); FloatVector.fromArray(F, s, 4 * PW + 3 * L).add(c43).intoArray(c, 4 * PW + 3 * L);
    }
    // spotless:on
}
