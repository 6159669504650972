package io.github.altclip4j.tensor;

import static io.github.altclip4j.tensor.Vectors.F;
import static io.github.altclip4j.tensor.Vectors.L;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;

/**
 * {@link Tile4x2}'s micro-kernels with the panel read from a mapped file ({@link MappedWeights}) instead of a Java
 * array: the same register tile, the same fused multiply-adds in the same order, so the same bits; only the panel
 * loads differ (a segment and a byte offset; bfloat16 and int8 widened in registers by {@link SegmentVectors}).
 * Change them together with Tile4x2's ({@code MappedWeightsTest} compares their results bit for bit).
 */
final class SegmentTile4x2 {
    private SegmentTile4x2() {}

    private static final int ROWS = Tile4x2.ROWS;
    private static final int PW = Tile4x2.PW;
    private static final float[] MINUS_ZEROS = Tile4x2.MINUS_ZEROS;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    // spotless:off: the register tiles, laid out as in Tile4x2
    /** {@link Tile4x2#f32}, the panel at byte {@code pOff} of {@code p}. */
    static void f32(float[] a, int aOff, MemorySegment p, long pOff, int kLen, float[] c, boolean accumulate) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector c00 = zero, c01 = zero;
        FloatVector c10 = zero, c11 = zero;
        FloatVector c20 = zero, c21 = zero;
        FloatVector c30 = zero, c31 = zero;
        for (int k = 0; k < kLen; k++) {
            long pk = pOff + 4L * PW * k;
            int ak = aOff + ROWS * k;
            FloatVector b0 = FloatVector.fromMemorySegment(F, p, pk, LE);
            FloatVector b1 = FloatVector.fromMemorySegment(F, p, pk + 4L * L, LE);
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

    /** {@link Tile4x2#bf16Panel}, the panel at byte {@code pOff} of {@code p}. */
    static void bf16Panel(float[] a, int aOff, MemorySegment p, long pOff, int kLen, float[] c, boolean accumulate) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector c00 = zero, c01 = zero;
        FloatVector c10 = zero, c11 = zero;
        FloatVector c20 = zero, c21 = zero;
        FloatVector c30 = zero, c31 = zero;
        for (int k = 0; k < kLen; k++) {
            long pk = pOff + 2L * PW * k;
            int ak = aOff + ROWS * k;
            FloatVector b0 = SegmentVectors.bf16(p, pk);
            FloatVector b1 = SegmentVectors.bf16(p, pk + 2L * L);
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

    /** {@link Tile4x2#i8Panel}, the panel at byte {@code pOff} of {@code p}. */
    static void i8Panel(float[] a, int aOff, MemorySegment p, long pOff, int kLen, float[] c, boolean accumulate) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector c00 = zero, c01 = zero;
        FloatVector c10 = zero, c11 = zero;
        FloatVector c20 = zero, c21 = zero;
        FloatVector c30 = zero, c31 = zero;
        for (int k = 0; k < kLen; k++) {
            long pk = pOff + 1L * PW * k;
            int ak = aOff + ROWS * k;
            FloatVector b0 = SegmentVectors.i8(p, pk);
            FloatVector b1 = SegmentVectors.i8(p, pk + 1L * L);
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
