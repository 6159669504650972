package io.github.altclip4j.tokenizer;

import java.util.Arrays;

/**
 * A trie over byte strings with an int value per key, for piece lookup: walking it one byte at a time from a start
 * position yields every piece that begins there (what the unigram lattice needs) and an exact lookup of a byte range
 * (what BPE merges need), with no allocation. Transitions live in one open-addressing hash table keyed by
 * {@code (state << 8) | byte} (states stay below 2^23, so a key fits an int).
 */
final class ByteTrie {
    private int[] keys; // (state << 8 | byte) + 1; 0 = empty slot
    private int[] targets;
    private int[] values;
    private int states = 1; // state 0 is the root
    private int used;

    static final int MAX_STATES = 1 << 23;

    /** @param expectedBytes about the total length of the keys (the most transitions there can be) */
    ByteTrie(int expectedBytes) {
        int cap = Integer.highestOneBit(Math.max(16, expectedBytes) * 2);
        keys = new int[cap];
        targets = new int[cap];
        values = new int[Math.max(16, expectedBytes / 2)];
        Arrays.fill(values, -1);
    }

    /**
     * Adds {@code key -> value} and returns true; an existing key keeps its first value (as SentencePiece's first-wins
     * maps do) and false is returned.
     */
    boolean put(byte[] key, int value) {
        int s = 0;
        for (byte b : key) {
            int t = child(s, b);
            if (t < 0) t = addChild(s, b);
            s = t;
        }
        if (values[s] >= 0) return false;
        values[s] = value;
        return true;
    }

    /** The state after reading byte {@code b} in state {@code s}, or -1. */
    int child(int s, byte b) {
        int k = ((s << 8) | (b & 0xFF)) + 1;
        int mask = keys.length - 1;
        for (int i = mix(k) & mask; ; i = (i + 1) & mask) {
            int x = keys[i];
            if (x == k) return targets[i];
            if (x == 0) return -1;
        }
    }

    /** The value stored at state {@code s}, or -1. */
    int value(int s) {
        return values[s];
    }

    /** Length of the longest key that is a prefix of {@code bytes[from..]}, or 0 if none. */
    int longestPrefix(byte[] bytes, int from) {
        int s = 0, best = 0;
        for (int i = from; i < bytes.length; i++) {
            s = child(s, bytes[i]);
            if (s < 0) break;
            if (values[s] >= 0) best = i + 1 - from;
        }
        return best;
    }

    /** The value of the exact key {@code bytes[from, to)}, or -1. */
    int get(byte[] bytes, int from, int to) {
        int s = 0;
        for (int i = from; i < to && s >= 0; i++) s = child(s, bytes[i]);
        return s < 0 ? -1 : values[s];
    }

    private int addChild(int s, byte b) {
        if ((used + 1) * 2 > keys.length) grow();
        if (states == MAX_STATES) throw new IllegalStateException("more than " + MAX_STATES + " trie states");
        int t = states++;
        if (t >= values.length) {
            int old = values.length;
            values = Arrays.copyOf(values, old * 2);
            Arrays.fill(values, old, values.length, -1);
        }
        insert(((s << 8) | (b & 0xFF)) + 1, t);
        return t;
    }

    private void insert(int k, int target) {
        int mask = keys.length - 1;
        int i = mix(k) & mask;
        while (keys[i] != 0) i = (i + 1) & mask;
        keys[i] = k;
        targets[i] = target;
        used++;
    }

    private void grow() {
        int[] oldKeys = keys;
        int[] oldTargets = targets;
        keys = new int[oldKeys.length * 2];
        targets = new int[oldKeys.length * 2];
        used = 0;
        for (int i = 0; i < oldKeys.length; i++) if (oldKeys[i] != 0) insert(oldKeys[i], oldTargets[i]);
    }

    private static int mix(int k) {
        int h = k * 0x9E3779B1;
        return h ^ (h >>> 15);
    }
}
