package io.github.altclip4j.weights;

import java.util.Locale;

/** How GEMM weights (and the word embedding table) are held after loading. */
public enum WeightFormat {
    /** As the checkpoint stores them: F16/BF16 stay 16-bit, F32 stays F32. */
    AS_STORED,
    /** Everything widened to float32. */
    F32,
    /** Converted to bfloat16 at load (round to nearest even): half the memory and memory traffic of F32. */
    BF16,
    /** Converted to IEEE half precision at load. */
    F16,
    /**
     * Quantised to int8 at load, symmetric with one scale per output row (weight-only: activations stay float32):
     * a quarter of the memory and memory traffic of F32.
     */
    INT8;

    /** Parses {@code as-stored}, {@code f32}, {@code bf16}, {@code f16} or {@code int8}. */
    public static WeightFormat parse(String s) {
        switch (s.toLowerCase(Locale.ROOT)) {
            case "as-stored":
                return AS_STORED;
            case "f32":
                return F32;
            case "bf16":
                return BF16;
            case "f16":
                return F16;
            case "int8":
                return INT8;
            default:
                throw new IllegalArgumentException(
                        "weight format must be as-stored, f32, bf16, f16 or int8, got '" + s + "'");
        }
    }
}
