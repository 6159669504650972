package io.github.altclip4j.weights;

import io.github.altclip4j.formats.Spelling;

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
        return Spelling.parse(WeightFormat.class, s, "weight format");
    }
}
