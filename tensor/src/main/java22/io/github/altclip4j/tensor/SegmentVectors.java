package io.github.altclip4j.tensor;

import static io.github.altclip4j.tensor.Vectors.B;
import static io.github.altclip4j.tensor.Vectors.F;
import static io.github.altclip4j.tensor.Vectors.I;
import static io.github.altclip4j.tensor.Vectors.S;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/** {@link Vectors}'s widening loads, from a mapped file: the same conversions, so the same floats. */
final class SegmentVectors {
    private SegmentVectors() {}

    /** L bfloat16 values at byte {@code off} as floats: the bits shifted into the top half of each float. */
    static FloatVector bf16(MemorySegment p, long off) {
        return ((IntVector) ShortVector.fromMemorySegment(S, p, off, ByteOrder.LITTLE_ENDIAN)
                        .convertShape(VectorOperators.S2I, I, 0))
                .lanewise(VectorOperators.LSHL, 16)
                .reinterpretAsFloats();
    }

    /** L int8 values at byte {@code off} as floats. */
    static FloatVector i8(MemorySegment p, long off) {
        return (FloatVector) ByteVector.fromMemorySegment(B, p, off, ByteOrder.LITTLE_ENDIAN)
                .convertShape(VectorOperators.B2F, F, 0);
    }
}
