package io.github.altclip4j.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * A minimal protobuf wire-format reader over a byte array window: varints, fixed32, and length-delimited fields
 * (strings, bytes, nested messages). Every read is bounds-checked; a malformed or truncated message throws
 * {@link TokenizerException} with the byte offset, never an index exception.
 */
final class ProtoReader {
    static final int VARINT = 0, FIXED64 = 1, LENGTH_DELIMITED = 2, FIXED32 = 5;

    private final byte[] buf;
    private final String what;
    private int pos;
    private final int end;
    private int tag;

    ProtoReader(byte[] buf, int from, int to, String what) {
        this.buf = buf;
        this.pos = from;
        this.end = to;
        this.what = what;
    }

    /** Advances to the next field; false at the end of the message. */
    boolean next() throws TokenizerException {
        if (pos >= end) return false;
        long t = varint();
        if (t >>> 32 != 0 || (t >>> 3) == 0) throw error("bad field tag");
        tag = (int) t;
        return true;
    }

    int field() {
        return tag >>> 3;
    }

    int wireType() {
        return tag & 7;
    }

    long varint() throws TokenizerException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) throw error("truncated varint");
            byte b = buf[pos++];
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) return v;
        }
        throw error("varint longer than 10 bytes");
    }

    /** A varint field as a (possibly negative) int32, as protobuf encodes int32. */
    int int32() throws TokenizerException {
        expect(VARINT);
        return (int) varint();
    }

    boolean bool() throws TokenizerException {
        expect(VARINT);
        return varint() != 0;
    }

    float float32() throws TokenizerException {
        expect(FIXED32);
        if (end - pos < 4) throw error("truncated fixed32");
        int bits = (buf[pos] & 0xFF)
                | (buf[pos + 1] & 0xFF) << 8
                | (buf[pos + 2] & 0xFF) << 16
                | (buf[pos + 3] & 0xFF) << 24;
        pos += 4;
        return Float.intBitsToFloat(bits);
    }

    /** A length-delimited field: returns its start and leaves the reader after it, its length in {@code lastLength}. */
    int delimited() throws TokenizerException {
        expect(LENGTH_DELIMITED);
        long len = varint();
        if (len < 0 || len > end - pos) throw error("length " + len + " runs past the end");
        int start = pos;
        pos += (int) len;
        lastLength = (int) len;
        return start;
    }

    private int lastLength;

    String string() throws TokenizerException {
        int start = delimited();
        return new String(buf, start, lastLength, StandardCharsets.UTF_8);
    }

    byte[] bytes() throws TokenizerException {
        int start = delimited();
        byte[] out = new byte[lastLength];
        System.arraycopy(buf, start, out, 0, lastLength);
        return out;
    }

    ProtoReader message(String name) throws TokenizerException {
        int start = delimited();
        return new ProtoReader(buf, start, start + lastLength, name);
    }

    void skip() throws TokenizerException {
        switch (wireType()) {
            case VARINT:
                varint();
                break;
            case FIXED64:
                if (end - pos < 8) throw error("truncated fixed64");
                pos += 8;
                break;
            case LENGTH_DELIMITED:
                delimited();
                break;
            case FIXED32:
                if (end - pos < 4) throw error("truncated fixed32");
                pos += 4;
                break;
            default:
                throw error("unsupported wire type " + wireType());
        }
    }

    private void expect(int wire) throws TokenizerException {
        if (wireType() != wire) throw error("field " + field() + " has wire type " + wireType() + ", expected " + wire);
    }

    TokenizerException error(String message) {
        return new TokenizerException(what + ": " + message + " at byte " + pos);
    }
}
