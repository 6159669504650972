package io.github.altclip4j.tensor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file of packed weights mapped read-only into memory (the JDK 22+ version of this class; see the JDK 17 one for
 * the contract). The file is one {@code MemorySegment} in an automatic arena: the operating system shares its pages
 * with every process that maps the same file, none of it is in the Java heap, and it is unmapped once no matrix or
 * table made from it is reachable (a tower dropped by {@code serve --idle-unload} gives its memory back under any
 * collector).
 */
public final class MappedWeights {
    private final MemorySegment segment;

    private MappedWeights(MemorySegment segment) {
        this.segment = segment;
    }

    /** Whether this JVM can map weights: JDK 22+, the vector kernels, a little-endian machine. */
    public static boolean available() {
        return Backend.isVectorized() && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    }

    /** Maps {@code file} read-only (unmapped when no matrix or table made from it is reachable any more). */
    public static MappedWeights map(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return map(ch, 0, ch.size());
        }
    }

    /**
     * Maps {@code length} bytes of a readable channel's file from {@code offset}, read-only; offsets given to
     * {@link #matrix} and {@link #embedding} then count from there. The mapping outlives the channel.
     */
    public static MappedWeights map(FileChannel channel, long offset, long length) throws IOException {
        if (!available()) throw new UnsupportedOperationException("this JVM cannot map weights");
        return new MappedWeights(channel.map(FileChannel.MapMode.READ_ONLY, offset, length, Arena.ofAuto()));
    }

    /** The size of what is mapped, in bytes. */
    public long size() {
        return segment.byteSize();
    }

    /**
     * The packed matrix {@code [n][k]} of type {@code dtype} whose bytes start at {@code offset}, in this JVM's panel
     * layout ({@link PackedMatrix#currentPanelWidth}); an {@link IllegalArgumentException} if it would reach past the
     * end of the file.
     */
    public PackedMatrix matrix(long offset, int n, int k, DType dtype) {
        int pw = PackedMatrix.currentPanelWidth();
        long values = PackedMatrix.packedSize(n, k, pw);
        MemorySegment panels = slice(offset, values * dtype.bytes(), "a " + n + " x " + k + " matrix");
        float[] scales = dtype == DType.I8
                ? floats(offset + values * dtype.bytes(), (long) PackedMatrix.panels(n, pw) * pw, "its int8 scales")
                : null;
        return PackedMatrix.mapped(n, k, dtype, new SegmentRegion(panels, dtype), scales);
    }

    /** The embedding table {@code [rows][cols]} of type {@code dtype} whose bytes start at {@code offset}. */
    public EmbeddingTable embedding(long offset, int rows, int cols, DType dtype) {
        long values = (long) rows * cols;
        MemorySegment table = slice(offset, values * dtype.bytes(), "a " + rows + " x " + cols + " table");
        float[] scales = dtype == DType.I8 ? floats(offset + values * dtype.bytes(), rows, "its int8 scales") : null;
        return EmbeddingTable.mapped(rows, cols, dtype, new SegmentRegion(table, dtype), scales);
    }

    private MemorySegment slice(long offset, long bytes, String what) {
        if (offset < 0 || bytes < 0 || offset > segment.byteSize() - bytes) {
            throw new IllegalArgumentException(what + " at byte " + offset + " (" + bytes
                    + " bytes) lies outside the file's " + segment.byteSize() + " bytes");
        }
        return segment.asSlice(offset, bytes);
    }

    /** Scales are small (one per output row): copied into the heap, where the epilogue reads them as an array. */
    private float[] floats(long offset, long count, String what) {
        MemorySegment s = slice(offset, 4 * count, what);
        return s.toArray(ValueLayout.JAVA_FLOAT_UNALIGNED);
    }
}
