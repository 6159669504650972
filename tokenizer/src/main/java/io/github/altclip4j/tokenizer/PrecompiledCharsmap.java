package io.github.altclip4j.tokenizer;

import java.util.Arrays;

/**
 * The normalisation rules compiled into a model file ({@code NormalizerSpec.precompiled_charsmap}), as the C++
 * library stores them: a little-endian uint32 byte length of a darts-clone double-array trie, the trie's 32-bit
 * units, then a pool of NUL-terminated replacement strings. The trie maps a UTF-8 byte sequence to the offset of its
 * replacement in the pool; {@link #longestMatch} does the library's common-prefix search and keeps the longest hit.
 *
 * <p>A darts-clone unit packs: bit 8 "has a value child", bits 0-7 the label (bit 31 set on value units so they
 * never match an input byte), bits 10-31 an offset, shifted left by 8 more when bit 9 is set. Children of node
 * {@code p} with label {@code c} live at {@code p ^ offset(p) ^ c}.
 */
final class PrecompiledCharsmap {
    private final int[] units;
    private final byte[] pool;

    private PrecompiledCharsmap(int[] units, byte[] pool) {
        this.units = units;
        this.pool = pool;
    }

    /** Parses the blob; null for an empty one (no rules: the identity normalizer). */
    static PrecompiledCharsmap parse(byte[] blob, String what) throws TokenizerException {
        if (blob.length == 0) return null;
        if (blob.length < 4)
            throw new TokenizerException(what + ": precompiled_charsmap of " + blob.length + " bytes is truncated");
        long trieBytes = (blob[0] & 0xFFL) | (blob[1] & 0xFFL) << 8 | (blob[2] & 0xFFL) << 16 | (blob[3] & 0xFFL) << 24;
        if (trieBytes % 4 != 0 || trieBytes == 0 || trieBytes > blob.length - 4) {
            throw new TokenizerException(what + ": precompiled_charsmap trie size " + trieBytes + " does not fit its "
                    + blob.length + " bytes");
        }
        int[] units = new int[(int) (trieBytes / 4)];
        for (int i = 0; i < units.length; i++) {
            int o = 4 + 4 * i;
            units[i] = (blob[o] & 0xFF)
                    | (blob[o + 1] & 0xFF) << 8
                    | (blob[o + 2] & 0xFF) << 16
                    | (blob[o + 3] & 0xFF) << 24;
        }
        byte[] pool = Arrays.copyOfRange(blob, 4 + (int) trieBytes, blob.length);
        return new PrecompiledCharsmap(units, pool);
    }

    private static int offset(int unit) {
        return (unit >>> 10) << ((unit & (1 << 9)) >>> 6);
    }

    /**
     * The longest rule matching a prefix of {@code in[from, to)}: returns {@code (length << 32) | poolOffset}, or 0 if
     * none. A malformed trie (a walk leaving the array, a pool offset past the pool) counts as no match.
     */
    long longestMatch(byte[] in, int from, int to) {
        int pos = offset(units[0]);
        long best = 0;
        for (int i = from; i < to; i++) {
            int c = in[i] & 0xFF;
            pos ^= c;
            if (pos < 0 || pos >= units.length) return best;
            int unit = units[pos];
            if ((unit & (0x80000000 | 0xFF)) != c) return best;
            pos ^= offset(unit);
            if (((unit >>> 8) & 1) != 0) {
                if (pos < 0 || pos >= units.length) return best;
                int value = units[pos] & 0x7FFFFFFF;
                if (value < pool.length) best = ((long) (i + 1 - from) << 32) | value;
            }
        }
        return best;
    }

    /** Where the NUL-terminated replacement starting at {@code offset} ends. */
    int replacementEnd(int offset) {
        int i = offset;
        while (i < pool.length && pool[i] != 0) i++;
        return i;
    }

    byte[] pool() {
        return pool;
    }
}
