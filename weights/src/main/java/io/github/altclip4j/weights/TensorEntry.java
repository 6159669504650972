package io.github.altclip4j.weights;

import java.util.Arrays;

/**
 * One tensor in a checkpoint file: its name, stored element type, shape, and where its bytes are
 * ({@code offset} from the start of the file, {@code byteLength} bytes). Validated against the file before it
 * is ever created.
 */
public final class TensorEntry {
    /** Largest element count one tensor may have, in any checkpoint format: one Java array. */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private final String name;
    private final StoredType type;
    private final long[] shape;
    private final long offset;
    private final long byteLength;

    TensorEntry(String name, StoredType type, long[] shape, long offset, long byteLength) {
        this.name = name;
        this.type = type;
        this.shape = shape.clone();
        this.offset = offset;
        this.byteLength = byteLength;
    }

    public String name() {
        return name;
    }

    public StoredType type() {
        return type;
    }

    public long[] shape() {
        return shape.clone();
    }

    /** The shape as ints (every dimension of a tensor that fits a Java array fits an int). */
    public int[] intShape() {
        int[] s = new int[shape.length];
        for (int i = 0; i < s.length; i++) s[i] = Math.toIntExact(shape[i]);
        return s;
    }

    public long offset() {
        return offset;
    }

    public long byteLength() {
        return byteLength;
    }

    public long elementCount() {
        return byteLength / type.bytes();
    }

    /** The element count of {@code shape}, or -1 if it overflows a long. */
    static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) return -1;
            if (d != 0 && n > Long.MAX_VALUE / d) return -1;
            n *= d;
        }
        return n;
    }

    @Override
    public String toString() {
        return name + " " + type + Arrays.toString(shape);
    }
}
