package io.github.altclip4j.tensor;

/**
 * Weights read straight from a memory-mapped file instead of Java arrays: the view {@link PackedMatrix} and
 * {@link EmbeddingTable} read through when {@link MappedWeights} made them. Only the JDK 22+ classes of the
 * multi-release JAR implement it (on a {@code MemorySegment}); offsets count values of the region's type from its
 * start.
 */
interface MappedRegion {

    /**
     * {@link Kernels#tile} on the panel that starts at value {@code pOff}, float32 or (where
     * {@link Kernels#widensInRegisters} says so) bfloat16 or int8 widened in registers: the same FMA chain, the same
     * bits.
     */
    void tile(float[] a, int aOff, long pOff, int kLen, float[] c, boolean accumulate);

    /** {@code n} values from value {@code off} as float32 (16-bit values widened exactly; int8 without its scale). */
    void toFloat(long off, float[] dst, int dstOff, int n);
}
