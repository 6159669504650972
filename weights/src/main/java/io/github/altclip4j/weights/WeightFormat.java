package io.github.altclip4j.weights;

/** How GEMM weights (and the word embedding table) are held after loading. */
public enum WeightFormat {
    /** As the checkpoint stores them: F16/BF16 stay 16-bit, F32 stays F32. */
    AS_STORED,
    /** Everything widened to float32. */
    F32,
    /** Converted to bfloat16 at load (round to nearest even): half the memory and memory traffic of F32. */
    BF16,
    /** Converted to IEEE half precision at load. */
    F16;

    /** Parses {@code as-stored}, {@code f32}, {@code bf16} or {@code f16}. */
    public static WeightFormat parse(String s) {
        switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "as-stored": return AS_STORED;
            case "f32": return F32;
            case "bf16": return BF16;
            case "f16": return F16;
            default: throw new IllegalArgumentException("weight format must be as-stored, f32, bf16 or f16, got '" + s + "'");
        }
    }
}
