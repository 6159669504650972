package io.github.altclip4j.tensor;

/** How tensor elements are held in memory: float32, or one of the two 16-bit float formats. */
public enum DType {
    F32(4), F16(2), BF16(2);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }
}
