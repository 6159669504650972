package io.github.altclip4j.tokenizer;

import java.util.Arrays;

/**
 * A trie over byte strings with an int value per key, for piece lookup: walking it one byte at a time from a start
 * position yields every piece that begins there (what the unigram lattice needs) and an exact lookup of a byte range
 * (what BPE merges need), with no allocation. Transitions live in one open-addressing hash table keyed by
 * {@code (state << 8) | byte}.
 */
final class ByteTrie {
    private long[] keys;     // (state << 8 | byte) + 1; 0 = empty slot
    private int[] targets;
    private int[] values = new int[16];
    private int states = 1;  // state 0 is the root
    private int used;

    ByteTrie(int expectedKeys) {
        int cap = Integer.highestOneBit(Math.max(16, expectedKeys * 8)) * 2;
        keys = new long[cap];
        targets = new int[cap];
        Arrays.fill(values, -1);
    }

    /** Adds {@code key -> value}; an existing key keeps its first value (as SentencePiece's first-wins maps do). */
    void put(byte[] key, int value) {
        int s = 0;
        for (byte b : key) {
            int t = child(s, b);
            if (t < 0) t = addChild(s, b);
            s = t;
        }
        if (values[s] < 0) values[s] = value;
    }

    /** The state after reading byte {@code b} in state {@code s}, or -1. */
    int child(int s, byte b) {
        long k = (((long) s << 8) | (b & 0xFF)) + 1;
        int mask = keys.length - 1;
        for (int i = mix(k) & mask; ; i = (i + 1) & mask) {
            long x = keys[i];
            if (x == k) return targets[i];
            if (x == 0) return -1;
        }
    }

    /** The value stored at state {@code s}, or -1. */
    int value(int s) {
        return values[s];
    }

    /** The value of the exact key {@code bytes[from, to)}, or -1. */
    int get(byte[] bytes, int from, int to) {
        int s = 0;
        for (int i = from; i < to && s >= 0; i++) s = child(s, bytes[i]);
        return s < 0 ? -1 : values[s];
    }

    private int addChild(int s, byte b) {
        if ((used + 1) * 2 > keys.length) grow();
        int t = states++;
        if (t >= values.length) {
            int old = values.length;
            values = Arrays.copyOf(values, old * 2);
            Arrays.fill(values, old, values.length, -1);
        }
        insert((((long) s << 8) | (b & 0xFF)) + 1, t);
        return t;
    }

    private void insert(long k, int target) {
        int mask = keys.length - 1;
        int i = mix(k) & mask;
        while (keys[i] != 0) i = (i + 1) & mask;
        keys[i] = k;
        targets[i] = target;
        used++;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldTargets = targets;
        keys = new long[oldKeys.length * 2];
        targets = new int[oldKeys.length * 2];
        used = 0;
        for (int i = 0; i < oldKeys.length; i++) if (oldKeys[i] != 0) insert(oldKeys[i], oldTargets[i]);
    }

    private static int mix(long k) {
        long h = k * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29));
    }
}
