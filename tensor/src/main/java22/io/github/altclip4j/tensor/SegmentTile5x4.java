package io.github.altclip4j.tensor;

import static io.github.altclip4j.tensor.Vectors.F;
import static io.github.altclip4j.tensor.Vectors.L;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;

/**
 * {@link Tile5x4}'s micro-kernels with the panel read from a mapped file ({@link MappedWeights}) instead of a Java
 * array: the same register tile, the same fused multiply-adds in the same order, so the same bits; only the panel
 * loads differ (a segment and a byte offset; bfloat16 and int8 widened in registers by {@link SegmentVectors}).
 * Change them together with Tile5x4's ({@code MappedWeightsTest} compares their results bit for bit).
 */
final class SegmentTile5x4 {
    private SegmentTile5x4() {}

    private static final int ROWS = Tile5x4.ROWS;
    private static final int PW = Tile5x4.PW;
    private static final float[] MINUS_ZEROS = Tile5x4.MINUS_ZEROS;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    // spotless:off: the register tiles, laid out as in Tile5x4
    /** {@link Tile5x4#f32}, the panel at byte {@code pOff} of {@code p}. */
    static void f32(float[] a, int aOff, MemorySegment p, long pOff, int kLen, float[] c, boolean accumulate) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector c00 = zero, c01 = zero, c02 = zero, c03 = zero;
        FloatVector c10 = zero, c11 = zero, c12 = zero, c13 = zero;
        FloatVector c20 = zero, c21 = zero, c22 = zero, c23 = zero;
        FloatVector c30 = zero, c31 = zero, c32 = zero, c33 = zero;
        FloatVector c40 = zero, c41 = zero, c42 = zero, c43 = zero;
        for (int k = 0; k < kLen; k++) {
            long pk = pOff + 4L * PW * k;
            int ak = aOff + 5 * k;
            FloatVector b0 = FloatVector.fromMemorySegment(F, p, pk, LE);
            FloatVector b1 = FloatVector.fromMemorySegment(F, p, pk + 4L * L, LE);
            FloatVector b2 = FloatVector.fromMemorySegment(F, p, pk + 4L * 2 * L, LE);
            FloatVector b3 = FloatVector.fromMemorySegment(F, p, pk + 4L * 3 * L, LE);
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

    /** {@link Tile5x4#bf16Panel}, the panel at byte {@code pOff} of {@code p}. */
    static void bf16Panel(float[] a, int aOff, MemorySegment p, long pOff, int kLen, float[] c, boolean accumulate) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector c00 = zero, c01 = zero, c02 = zero, c03 = zero;
        FloatVector c10 = zero, c11 = zero, c12 = zero, c13 = zero;
        FloatVector c20 = zero, c21 = zero, c22 = zero, c23 = zero;
        FloatVector c30 = zero, c31 = zero, c32 = zero, c33 = zero;
        FloatVector c40 = zero, c41 = zero, c42 = zero, c43 = zero;
        for (int k = 0; k < kLen; k++) {
            long pk = pOff + 2L * PW * k;
            int ak = aOff + 5 * k;
            FloatVector b0 = SegmentVectors.bf16(p, pk);
            FloatVector b1 = SegmentVectors.bf16(p, pk + 2L * L);
            FloatVector b2 = SegmentVectors.bf16(p, pk + 2L * 2 * L);
            FloatVector b3 = SegmentVectors.bf16(p, pk + 2L * 3 * L);
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

    /** {@link Tile5x4#i8Panel}, the panel at byte {@code pOff} of {@code p}. */
    static void i8Panel(float[] a, int aOff, MemorySegment p, long pOff, int kLen, float[] c, boolean accumulate) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector c00 = zero, c01 = zero, c02 = zero, c03 = zero;
        FloatVector c10 = zero, c11 = zero, c12 = zero, c13 = zero;
        FloatVector c20 = zero, c21 = zero, c22 = zero, c23 = zero;
        FloatVector c30 = zero, c31 = zero, c32 = zero, c33 = zero;
        FloatVector c40 = zero, c41 = zero, c42 = zero, c43 = zero;
        for (int k = 0; k < kLen; k++) {
            long pk = pOff + 1L * PW * k;
            int ak = aOff + 5 * k;
            FloatVector b0 = SegmentVectors.i8(p, pk);
            FloatVector b1 = SegmentVectors.i8(p, pk + 1L * L);
            FloatVector b2 = SegmentVectors.i8(p, pk + 1L * 2 * L);
            FloatVector b3 = SegmentVectors.i8(p, pk + 1L * 3 * L);
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
