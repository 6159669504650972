package io.github.altclip4j.tokenizer;

/**
 * SentencePiece's normaliser ({@code normalizer.cc}), byte for byte. Walking the UTF-8 input, each step takes the
 * longest prefix that is a user-defined symbol (kept as is), else the longest prefix with a compiled rule (replaced
 * by the rule's output: NFKC, case folding, odd spaces to ' ', ...), else one character unchanged (a malformed byte
 * becomes U+FFFD). Around that:
 * <ul>
 *   <li>with {@code remove_extra_whitespaces}: leading whitespace is dropped, a run of spaces collapses into one,
 *       trailing whitespace is dropped;</li>
 *   <li>with {@code add_dummy_prefix}: one space is put in front (at the end with {@code treat_whitespace_as_suffix}),
 *       so that a word is the same piece at the start of a text as in its middle;</li>
 *   <li>with {@code escape_whitespaces}: every space is written as {@code ▁} (U+2581).</li>
 * </ul>
 */
final class Normalizer {
    static final byte[] SPACE_SYMBOL = {(byte) 0xE2, (byte) 0x96, (byte) 0x81}; // ▁
    private static final byte[] SPACE = {' '};

    private final PrecompiledCharsmap charsmap;
    private final ByteTrie userDefined; // null when the model has none
    private final boolean addDummyPrefix, removeExtraWhitespaces, escapeWhitespaces, whitespaceAsSuffix;

    Normalizer(
            SentencePieceModel.NormalizerSpec spec,
            PrecompiledCharsmap charsmap,
            ByteTrie userDefined,
            boolean whitespaceAsSuffix) {
        this.charsmap = charsmap;
        this.userDefined = userDefined;
        this.addDummyPrefix = spec.addDummyPrefix();
        this.removeExtraWhitespaces = spec.removeExtraWhitespaces();
        this.escapeWhitespaces = spec.escapeWhitespaces();
        this.whitespaceAsSuffix = whitespaceAsSuffix;
    }

    /** One step: the replacement {@code src[start, end)} for the {@code consumed} input bytes at {@code pos}. */
    private static final class Step {
        byte[] src;
        int start, end, consumed;
    }

    private void prefix(byte[] in, int pos, Step step) {
        int n = in.length;
        if (userDefined != null) {
            int len = userDefined.longestPrefix(in, pos);
            if (len > 0) {
                set(step, in, pos, pos + len, len);
                return;
            }
        }
        if (charsmap != null) {
            long m = charsmap.longestMatch(in, pos, n);
            if (m != 0) {
                int off = (int) m;
                set(step, charsmap.pool(), off, charsmap.replacementEnd(off), (int) (m >>> 32));
                return;
            }
        }
        int len = Utf8.validCharLength(in, pos, n);
        if (len == 0) set(step, Utf8.REPLACEMENT, 0, 3, 1);
        else set(step, in, pos, pos + len, len);
    }

    private static void set(Step step, byte[] src, int start, int end, int consumed) {
        step.src = src;
        step.start = start;
        step.end = end;
        step.consumed = consumed;
    }

    private static boolean isSingleSpace(Step s) {
        return s.end - s.start == 1 && s.src[s.start] == ' ';
    }

    byte[] normalize(byte[] in) {
        Step step = new Step();
        int pos = 0;
        if (removeExtraWhitespaces) {
            while (pos < in.length) {
                prefix(in, pos, step);
                if (!isSingleSpace(step)) break;
                pos += step.consumed;
            }
        }
        if (pos >= in.length) return new byte[0];
        byte[] space = escapeWhitespaces ? SPACE_SYMBOL : SPACE;
        ByteBuf out = new ByteBuf(in.length * 3 / 2 + 8);
        if (addDummyPrefix && !whitespaceAsSuffix) out.append(space, 0, space.length);
        boolean prevSpace = removeExtraWhitespaces;
        while (pos < in.length) {
            prefix(in, pos, step);
            int s = step.start;
            while (prevSpace && s < step.end && step.src[s] == ' ') s++;
            if (s < step.end) {
                for (int i = s; i < step.end; i++) {
                    if (escapeWhitespaces && step.src[i] == ' ') out.append(SPACE_SYMBOL, 0, 3);
                    else out.append(step.src[i]);
                }
                prevSpace = step.src[step.end - 1] == ' ';
            }
            pos += step.consumed;
            if (!removeExtraWhitespaces) prevSpace = false;
        }
        if (removeExtraWhitespaces) {
            while (out.endsWith(space)) out.truncate(out.size() - space.length);
        }
        if (addDummyPrefix && whitespaceAsSuffix) out.append(space, 0, space.length);
        return out.toArray();
    }
}
