package io.github.altclip4j.tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;

/** Arrays written to a channel as little-endian bytes, through one 1 MiB buffer: what {@link MappedWeights} maps. */
final class LittleEndianOut {
    private final WritableByteChannel out;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);

    LittleEndianOut(WritableByteChannel out) {
        this.out = out;
    }

    void write(float[] v, int off, int n) throws IOException {
        for (int i = 0; i < n; ) {
            int count = Math.min(n - i, buffer.capacity() / 4);
            buffer.clear();
            buffer.asFloatBuffer().put(v, off + i, count);
            flush(4 * count);
            i += count;
        }
    }

    void write(short[] v, int off, int n) throws IOException {
        for (int i = 0; i < n; ) {
            int count = Math.min(n - i, buffer.capacity() / 2);
            buffer.clear();
            buffer.asShortBuffer().put(v, off + i, count);
            flush(2 * count);
            i += count;
        }
    }

    void write(byte[] v, int off, int n) throws IOException {
        for (int i = 0; i < n; ) {
            int count = Math.min(n - i, buffer.capacity());
            buffer.clear();
            buffer.put(v, off + i, count);
            flush(count);
            i += count;
        }
    }

    private void flush(int bytes) throws IOException {
        buffer.position(0).limit(bytes);
        while (buffer.hasRemaining()) out.write(buffer);
    }
}
