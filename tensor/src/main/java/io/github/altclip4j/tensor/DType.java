package io.github.altclip4j.tensor;

/**
 * How tensor elements are held in memory: float32, one of the two 16-bit float formats, or int8 with one float32
 * scale per row ({@link Int8}).
 */
public enum DType {
    F32(4),
    F16(2),
    BF16(2),
    I8(1);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }
}
