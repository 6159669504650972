package io.github.altclip4j.tensor;

import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * A file of packed weights mapped read-only into memory, so the weights are shared with every other process mapping
 * it and never copied into the Java heap. Mapping takes the JDK 22+ {@code MemorySegment}: this is the JDK 17-21
 * version of the class, where {@link #available()} is false and weights live in Java arrays; the multi-release JAR
 * carries the other one in {@code META-INF/versions/22} (the way Lucene ships its {@code MemorySegment} index input).
 * Both have this public surface.
 *
 * <p>A region's bytes are what {@link PackedMatrix#writeTo} and {@link EmbeddingTable#writeTo} wrote, in
 * little-endian order; the file's own format (which region holds what) belongs to its writer.
 */
public final class MappedWeights {
    private MappedWeights() {}

    /** Whether this JVM can map weights: JDK 22+, the vector kernels, a little-endian machine. */
    public static boolean available() {
        return false;
    }

    /** Maps {@code file} read-only (unmapped when no matrix or table made from it is reachable any more). */
    public static MappedWeights map(Path file) {
        throw new UnsupportedOperationException("mapping weights needs JDK 22 or later: " + file);
    }

    /**
     * Maps {@code length} bytes of a readable channel's file from {@code offset}, read-only; offsets given to
     * {@link #matrix} and {@link #embedding} then count from there. The mapping outlives the channel.
     */
    public static MappedWeights map(FileChannel channel, long offset, long length) {
        throw new UnsupportedOperationException("mapping weights needs JDK 22 or later");
    }

    /** The size of what is mapped, in bytes. */
    public long size() {
        throw new UnsupportedOperationException();
    }

    /**
     * The packed matrix {@code [n][k]} of type {@code dtype} whose bytes start at {@code offset}, in this JVM's panel
     * layout ({@link PackedMatrix#currentPanelWidth}); an {@link IllegalArgumentException} if it would reach past the
     * end of the file.
     */
    public PackedMatrix matrix(long offset, int n, int k, DType dtype) {
        throw new UnsupportedOperationException();
    }

    /** The embedding table {@code [rows][cols]} of type {@code dtype} whose bytes start at {@code offset}. */
    public EmbeddingTable embedding(long offset, int rows, int cols, DType dtype) {
        throw new UnsupportedOperationException();
    }
}
