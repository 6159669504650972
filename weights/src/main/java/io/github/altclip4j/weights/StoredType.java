package io.github.altclip4j.weights;

/** Element types of checkpoint files, with the names safetensors uses. */
public enum StoredType {
    F64(8, true), F32(4, true), F16(2, true), BF16(2, true),
    I64(8, false), I32(4, false), I16(2, false), I8(1, false), U8(1, false), BOOL(1, false);

    private final int bytes;
    private final boolean floating;

    StoredType(int bytes, boolean floating) {
        this.bytes = bytes;
        this.floating = floating;
    }

    public int bytes() { return bytes; }

    public boolean isFloatingPoint() { return floating; }

    /** The type for a safetensors dtype string, or null when unknown. */
    static StoredType forName(String name) {
        for (StoredType t : values()) if (t.name().equals(name)) return t;
        return null;
    }
}
