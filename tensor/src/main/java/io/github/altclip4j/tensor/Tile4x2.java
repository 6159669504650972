package io.github.altclip4j.tensor;

import static io.github.altclip4j.tensor.Vectors.F;
import static io.github.altclip4j.tensor.Vectors.L;
import static io.github.altclip4j.tensor.Vectors.bf16;
import static io.github.altclip4j.tensor.Vectors.i8;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * The GEMM micro-kernel for a file of 16 vector registers (AVX2): a tile of 4 rows x 2 vectors, 8 accumulators. Per
 * k it loads 2 vectors of the panel row (one 64-byte line with 256-bit vectors) and broadcasts 4 elements of A, then
 * issues 8 independent FMAs: as many as two FMA pipes of 4 cycles' latency keep busy.
 *
 * <p>Why so small: C2 on JDK 25 issues every broadcast of a step before its FMAs, so accumulators, broadcasts and
 * panel vectors (8 + 4 + 2 = 14) are live together and must fit the 16 registers with room to spare. Larger tiles
 * measured, 2 threads, 257 x 1024 x 4096 (docs/performance.md, "Register tiles on AVX2"): 6 x 2 (12 + 6 + 2) spilled an
 * accumulator through the stack every step on JDK 25 (76 GFLOPS) and in about half the JDK 17 starts; 5 x 2 and 3 x 3
 * the same on one JDK or the other; 4 x 2 ran at 146-162 GFLOPS (73-81% of the FMA peak) on JDK 17 and 25, with
 * either collector, in every start. The 5 x 4 tile of 512-bit machines (25 registers) spilled 10 accumulators here.
 */
final class Tile4x2 {
    private Tile4x2() {}

    static final int ROWS = 4;
    /** Columns of a weight panel: 2 vectors. */
    static final int PW = 2 * L;

    /** What the first block of k adds its sums to. */
    static final float[] MINUS_ZEROS = new float[ROWS * PW];

    static {
        Arrays.fill(MINUS_ZEROS, -0f);
    }

    // spotless:off: the register tiles, laid out as the 4 x 2 grid they compute
    /** {@link Kernels#tile} on float panels. */
    static void f32(float[] a, int aOff, float[] p, int pOff, int kLen, float[] c, boolean accumulate) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector c00 = zero, c01 = zero;
        FloatVector c10 = zero, c11 = zero;
        FloatVector c20 = zero, c21 = zero;
        FloatVector c30 = zero, c31 = zero;
        for (int k = 0; k < kLen; k++) {
            int pk = pOff + k * PW, ak = aOff + ROWS * k;
            FloatVector b0 = FloatVector.fromArray(F, p, pk);
            FloatVector b1 = FloatVector.fromArray(F, p, pk + L);
            FloatVector av;
            av = FloatVector.broadcast(F, a[ak]);
            c00 = av.fma(b0, c00); c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(F, a[ak + 1]);
            c10 = av.fma(b0, c10); c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(F, a[ak + 2]);
            c20 = av.fma(b0, c20); c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(F, a[ak + 3]);
            c30 = av.fma(b0, c30); c31 = av.fma(b1, c31);
        }
        // The sums of the earlier blocks of k: C for a later block, -0 for the first (so the stored value is this
        // block's sum, bit for bit). The loaded vector is the receiver: see Vectors on the accumulators.
        float[] s = accumulate ? c : MINUS_ZEROS;
        FloatVector.fromArray(F, s, 0).add(c00).intoArray(c, 0); FloatVector.fromArray(F, s, L).add(c01).intoArray(c, L);
        FloatVector.fromArray(F, s, PW).add(c10).intoArray(c, PW); FloatVector.fromArray(F, s, PW + L).add(c11).intoArray(c, PW + L);
        FloatVector.fromArray(F, s, 2 * PW).add(c20).intoArray(c, 2 * PW); FloatVector.fromArray(F, s, 2 * PW + L).add(c21).intoArray(c, 2 * PW + L);
        FloatVector.fromArray(F, s, 3 * PW).add(c30).intoArray(c, 3 * PW); FloatVector.fromArray(F, s, 3 * PW + L).add(c31).intoArray(c, 3 * PW + L);
    }

    /**
     * {@link #f32} with a bfloat16 panel widened in registers (short -&gt; int, shift left 16): half the bytes per
     * weight. The body repeats {@link #f32} on purpose: only the panel loads differ, and passing them in as a function
     * or keeping the accumulators in an array instead of locals costs the kernel its registers. Change the three
     * together ({@code GemmTest} checks that they compute the same bits).
     */
    static void bf16Panel(float[] a, int aOff, short[] p, int pOff, int kLen, float[] c, boolean accumulate) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector c00 = zero, c01 = zero;
        FloatVector c10 = zero, c11 = zero;
        FloatVector c20 = zero, c21 = zero;
        FloatVector c30 = zero, c31 = zero;
        for (int k = 0; k < kLen; k++) {
            int pk = pOff + k * PW, ak = aOff + ROWS * k;
            FloatVector b0 = bf16(p, pk);
            FloatVector b1 = bf16(p, pk + L);
            FloatVector av;
            av = FloatVector.broadcast(F, a[ak]);
            c00 = av.fma(b0, c00); c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(F, a[ak + 1]);
            c10 = av.fma(b0, c10); c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(F, a[ak + 2]);
            c20 = av.fma(b0, c20); c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(F, a[ak + 3]);
            c30 = av.fma(b0, c30); c31 = av.fma(b1, c31);
        }
        // The sums of the earlier blocks of k: C for a later block, -0 for the first (so the stored value is this
        // block's sum, bit for bit). The loaded vector is the receiver: see Vectors on the accumulators.
        float[] s = accumulate ? c : MINUS_ZEROS;
        FloatVector.fromArray(F, s, 0).add(c00).intoArray(c, 0); FloatVector.fromArray(F, s, L).add(c01).intoArray(c, L);
        FloatVector.fromArray(F, s, PW).add(c10).intoArray(c, PW); FloatVector.fromArray(F, s, PW + L).add(c11).intoArray(c, PW + L);
        FloatVector.fromArray(F, s, 2 * PW).add(c20).intoArray(c, 2 * PW); FloatVector.fromArray(F, s, 2 * PW + L).add(c21).intoArray(c, 2 * PW + L);
        FloatVector.fromArray(F, s, 3 * PW).add(c30).intoArray(c, 3 * PW); FloatVector.fromArray(F, s, 3 * PW + L).add(c31).intoArray(c, 3 * PW + L);
    }

    /** {@link #f32} with an int8 panel widened to float in registers (exactly): a quarter of the bytes per weight. */
    static void i8Panel(float[] a, int aOff, byte[] p, int pOff, int kLen, float[] c, boolean accumulate) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector c00 = zero, c01 = zero;
        FloatVector c10 = zero, c11 = zero;
        FloatVector c20 = zero, c21 = zero;
        FloatVector c30 = zero, c31 = zero;
        for (int k = 0; k < kLen; k++) {
            int pk = pOff + k * PW, ak = aOff + ROWS * k;
            FloatVector b0 = i8(p, pk);
            FloatVector b1 = i8(p, pk + L);
            FloatVector av;
            av = FloatVector.broadcast(F, a[ak]);
            c00 = av.fma(b0, c00); c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(F, a[ak + 1]);
            c10 = av.fma(b0, c10); c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(F, a[ak + 2]);
            c20 = av.fma(b0, c20); c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(F, a[ak + 3]);
            c30 = av.fma(b0, c30); c31 = av.fma(b1, c31);
        }
        // The sums of the earlier blocks of k: C for a later block, -0 for the first (so the stored value is this
        // block's sum, bit for bit). The loaded vector is the receiver: see Vectors on the accumulators.
        float[] s = accumulate ? c : MINUS_ZEROS;
        FloatVector.fromArray(F, s, 0).add(c00).intoArray(c, 0); FloatVector.fromArray(F, s, L).add(c01).intoArray(c, L);
        FloatVector.fromArray(F, s, PW).add(c10).intoArray(c, PW); FloatVector.fromArray(F, s, PW + L).add(c11).intoArray(c, PW + L);
        FloatVector.fromArray(F, s, 2 * PW).add(c20).intoArray(c, 2 * PW); FloatVector.fromArray(F, s, 2 * PW + L).add(c21).intoArray(c, 2 * PW + L);
        FloatVector.fromArray(F, s, 3 * PW).add(c30).intoArray(c, 3 * PW); FloatVector.fromArray(F, s, 3 * PW + L).add(c31).intoArray(c, 3 * PW + L);
    }
    // spotless:on
}
