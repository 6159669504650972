package io.github.altclip4j.tokenizer;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** UTF-8 helpers with the C++ library's conventions. */
final class Utf8 {
    private Utf8() {}

    static final byte[] REPLACEMENT = {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD};

    /** Byte length of the character a lead byte starts, as {@code string_util::OneCharLen}: 1 for stray continuation bytes. */
    static int charLength(byte lead) {
        int b = lead & 0xFF;
        if (b < 0xC0) return 1;
        if (b < 0xE0) return 2;
        if (b < 0xF0) return 3;
        return 4;
    }

    /** The length of the valid UTF-8 character at {@code i}, or 0 if the bytes there are not one. */
    static int validCharLength(byte[] s, int i, int end) {
        int b = s[i] & 0xFF;
        if (b < 0x80) return 1;
        int n;
        int min;
        if (b >= 0xC2 && b < 0xE0) {
            n = 2;
            min = 0x80;
        } else if (b >= 0xE0 && b < 0xF0) {
            n = 3;
            min = 0x800;
        } else if (b >= 0xF0 && b < 0xF5) {
            n = 4;
            min = 0x10000;
        } else return 0;
        if (i + n > end) return 0;
        int cp = b & (0x7F >> n);
        for (int k = 1; k < n; k++) {
            int c = s[i + k] & 0xFF;
            if ((c & 0xC0) != 0x80) return 0;
            cp = (cp << 6) | (c & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
        return n;
    }

    /** Encodes a Java string; unpaired surrogates become U+FFFD (a Java string may hold them, UTF-8 may not). */
    static byte[] encode(String s) {
        CharsetEncoder enc = StandardCharsets.UTF_8
                .newEncoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE)
                .replaceWith(REPLACEMENT);
        try {
            ByteBuffer b = enc.encode(CharBuffer.wrap(s));
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new IllegalStateException(e); // cannot happen with REPLACE
        }
    }

    static String decode(byte[] s, int from, int to) {
        return new String(s, from, to - from, StandardCharsets.UTF_8);
    }
}
