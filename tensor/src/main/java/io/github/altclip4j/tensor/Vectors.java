package io.github.altclip4j.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The species the vector kernels work in, and the loads that widen 16-bit and int8 weights to floats.
 *
 * <p><b>The rule that keeps the kernels compiled.</b> A Vector API call is turned into machine instructions only when
 * C2 knows the exact class of its receiver (for {@code v.add(w)}, of {@code v}); otherwise it calls the Java fallback,
 * which allocates a vector object per operation and runs 10-50x slower. Values built from a constant species
 * ({@code fromArray(F, ...)}, {@code broadcast(F, ...)}) and results of operations on them have an exact class; a
 * loop's accumulator does not (C2 parses a loop variable at its declared type, {@code FloatVector}), and then only a
 * profile of earlier runs can say which class it holds. That profile is shared by every caller in the JVM and can be
 * spoilt by a warm-up on other shapes, and then the kernel was compiled, slow, for the JVM's whole life (an image in
 * 35 s instead of 1 s; docs/performance.md, "The JIT cliff"). So in every kernel an accumulator is only ever an
 * argument: {@code acc = x.fma(y, acc)}, {@code acc = x.add(acc)}, and after a loop {@code exact(acc)} before any
 * call on it.
 */
final class Vectors {
    private Vectors() {}

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();
    static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    /** Shorts with as many lanes as {@link #F}: one load of 16-bit weights widens to one float vector. */
    static final VectorSpecies<Short> S =
            ShortVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(F.vectorBitSize() / 2));
    /** Bytes with as many lanes as {@link #F}: one load of int8 weights widens to one float vector. */
    static final VectorSpecies<Byte> B =
            ByteVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(F.vectorBitSize() / 4));
    /** Doubles with as many lanes as half a float vector: one float vector widens into two of these. */
    static final VectorSpecies<Double> D =
            DoubleVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(F.vectorBitSize()));

    private static final FloatVector MINUS_ZERO = FloatVector.broadcast(F, -0f);
    private static final DoubleVector MINUS_ZERO_D = DoubleVector.broadcast(D, -0d);

    /** {@code v} itself (-0 + x is x for every x, signed zeros included), with a class C2 knows (see above). */
    static FloatVector exact(FloatVector v) {
        return MINUS_ZERO.add(v);
    }

    /** {@link #exact(FloatVector)} for double lanes. */
    static DoubleVector exact(DoubleVector v) {
        return MINUS_ZERO_D.add(v);
    }

    /** L bfloat16 values as floats: the bits shifted into the top half of each float. */
    static FloatVector bf16(short[] p, int off) {
        return widen(p, off).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /** L int8 values as floats. */
    static FloatVector i8(byte[] p, int off) {
        return (FloatVector) ByteVector.fromArray(B, p, off).convertShape(VectorOperators.B2F, F, 0);
    }

    /** Loads L shorts and sign-extends them to L ints. */
    static IntVector widen(short[] src, int off) {
        return (IntVector) ShortVector.fromArray(S, src, off).convertShape(VectorOperators.S2I, I, 0);
    }
}
