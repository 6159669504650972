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

    @Override
    void close() throws IOException;

    /** Opens {@code file} by its format: safetensors, or a PyTorch zip archive ({@code torch.save}). */
    static Checkpoint open(Path file) throws IOException {
        byte[] magic = new byte[4];
        try (var in = Files.newInputStream(file)) {
            int n = in.readNBytes(magic, 0, 4);
            if (n == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4) return TorchCheckpoint.open(file);
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
