package io.github.altclip4j.weights;

import io.github.altclip4j.tensor.DType;

/** Element types of checkpoint files, with the names safetensors uses. */
public enum StoredType {
    F64(8, true),
    F32(4, true),
    F16(2, true),
    BF16(2, true),
    I64(8, false),
    I32(4, false),
    I16(2, false),
    I8(1, false),
    U8(1, false),
    BOOL(1, false);

    private final int bytes;
    private final boolean floating;

    StoredType(int bytes, boolean floating) {
        this.bytes = bytes;
        this.floating = floating;
    }

    public int bytes() {
        return bytes;
    }

    public boolean isFloatingPoint() {
        return floating;
    }

    /**
     * The engine's type for values stored as this: the 16-bit floats and int8 keep theirs, everything else is
     * computed in float32. The one place the two type systems meet.
     */
    public DType computeType() {
        switch (this) {
            case F16:
                return DType.F16;
            case BF16:
                return DType.BF16;
            case I8:
                return DType.I8;
            default:
                return DType.F32;
        }
    }

    /** How a tensor of the engine's type is stored. */
    public static StoredType of(DType type) {
        switch (type) {
            case F16:
                return F16;
            case BF16:
                return BF16;
            case I8:
                return I8;
            default:
                return F32;
        }
    }

    /** The type for a safetensors dtype string, or null when unknown. */
    static StoredType forName(String name) {
        for (StoredType t : values()) if (t.name().equals(name)) return t;
        return null;
    }
}
