package io.github.altclip4j.weights;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * NumPy's {@code .npy} format, version 1.0, for little-endian float32 matrices: the 6-byte magic {@code \x93NUMPY},
 * version {@code 1 0}, a 2-byte little-endian header length, a Python-literal header
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (rows, cols), }} padded with spaces and ended by a newline
 * so that the data starts at a multiple of 64 bytes, then the values row by row. {@code numpy.load} reads it as is.
 */
public final class Npy {
    private Npy() {}

    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    /** The header for a {@code rows x cols} float32 matrix, magic to newline. */
    static ByteBuffer header(long rows, long cols) {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int total = (unpadded + 63) / 64 * 64;
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) (total - 10)).put(dict.getBytes(StandardCharsets.US_ASCII));
        while (b.position() < total - 1) b.put((byte) ' ');
        return b.put((byte) '\n').flip();
    }

    /** Writes {@code rows x cols} floats of {@code data} (row-major) as a {@code .npy} file, atomically. */
    public static void write(Path target, float[] data, int rows, int cols) throws IOException {
        if ((long) rows * cols != data.length) throw new IllegalArgumentException(data.length + " values for " + rows + " x " + cols);
        ByteBuffer values = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        values.asFloatBuffer().put(data);
        AtomicFile.write(target, ch -> {
            AtomicFile.writeFully(ch, header(rows, cols));
            AtomicFile.writeFully(ch, values);
        });
    }
}
