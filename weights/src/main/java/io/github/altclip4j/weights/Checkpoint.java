package io.github.altclip4j.weights;

import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.tensor.HalfTensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The tensors of one checkpoint file, whatever its format: {@link SafetensorsFile} or {@link TorchCheckpoint}
 * ({@code pytorch_model.bin}). Tensors are read one at a time, on request.
 */
public interface Checkpoint extends AutoCloseable {

    Path path();

    /** Name, element type and shape of every tensor, in file order. */
    Map<String, TensorEntry> tensors();

    /** A floating-point tensor as float32 (16-bit values widened exactly, F64 rounded). */
    FloatTensor readFloat(String name) throws IOException;

    /** An F16 or BF16 tensor, kept 16-bit. */
    HalfTensor readHalf(String name) throws IOException;

    /** An integer tensor as longs. */
    long[] readLongs(String name) throws IOException;

    /**
     * Receives consecutive rows of a tensor seen as {@code [elements / rowLength][rowLength]}. A reader may call it
     * from several threads at once, for disjoint row ranges; {@code data} is valid only during the call.
     */
    @FunctionalInterface
    interface FloatRows {
        void accept(float[] data, int offset, int firstRow, int rows);
    }

    /** The same for 16-bit values, as raw bits (called the same way). */
    @FunctionalInterface
    interface HalfRows {
        void accept(short[] data, int offset, int firstRow, int rows);
    }

    /** The same for int8 values. */
    @FunctionalInterface
    interface ByteRows {
        void accept(byte[] data, int offset, int firstRow, int rows);
    }

    /**
     * Streams a floating-point tensor as float32 rows of {@code rowLength}, in order, so a caller can repack it
     * without holding a second copy. This default reads the whole tensor; readers override it to stream.
     */
    default void readFloatRows(String name, int rowLength, FloatRows sink) throws IOException {
        FloatTensor t = readFloat(name);
        sink.accept(t.data(), t.offset(), 0, t.size() / rowLength);
    }

    /** Streams an F16/BF16 tensor as 16-bit rows of {@code rowLength}; the default reads the whole tensor. */
    default void readHalfRows(String name, int rowLength, HalfRows sink) throws IOException {
        HalfTensor h = readHalf(name);
        sink.accept(h.bits(), 0, 0, h.size() / rowLength);
    }

    /** Streams an I8 tensor as rows of {@code rowLength}; the default reads the whole tensor. */
    default void readByteRows(String name, int rowLength, ByteRows sink) throws IOException {
        long[] v = readLongs(name);
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) b[i] = (byte) v[i];
        sink.accept(b, 0, 0, b.length / rowLength);
    }

    @Override
    void close() throws IOException;

    /** Opens {@code file} by its format: safetensors, or a PyTorch zip archive ({@code torch.save}). */
    static Checkpoint open(Path file) throws IOException {
        byte[] magic = new byte[4];
        try (var in = Files.newInputStream(file)) {
            int n = in.readNBytes(magic, 0, 4);
            if (n == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4)
                return TorchCheckpoint.open(file);
        }
        return SafetensorsFile.open(file);
    }

    /** The weights file of a model folder: {@code model.safetensors}, else {@code pytorch_model.bin}. */
    static Path findIn(Path folder) throws WeightFormatException {
        for (String name : new String[] {"model.safetensors", "pytorch_model.bin"}) {
            Path p = folder.resolve(name);
            if (Files.isRegularFile(p)) return p;
        }
        throw new WeightFormatException(folder, "no model.safetensors or pytorch_model.bin in this folder");
    }
}
