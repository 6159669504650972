package io.github.altclip4j.tokenizer;

import java.util.Arrays;

/** A growable byte array (the normalised text is built byte by byte, as the C++ library does). */
final class ByteBuf {
    private byte[] data;
    private int size;

    ByteBuf(int capacity) {
        data = new byte[Math.max(16, capacity)];
    }

    void append(byte b) {
        if (size == data.length) data = Arrays.copyOf(data, data.length * 2);
        data[size++] = b;
    }

    void append(byte[] src, int from, int to) {
        int n = to - from;
        if (size + n > data.length) data = Arrays.copyOf(data, Math.max(data.length * 2, size + n));
        System.arraycopy(src, from, data, size, n);
        size += n;
    }

    boolean endsWith(byte[] suffix) {
        if (size < suffix.length) return false;
        for (int i = 0; i < suffix.length; i++) if (data[size - suffix.length + i] != suffix[i]) return false;
        return true;
    }

    void truncate(int newSize) {
        size = newSize;
    }

    int size() {
        return size;
    }

    byte[] toArray() {
        return Arrays.copyOf(data, size);
    }
}
