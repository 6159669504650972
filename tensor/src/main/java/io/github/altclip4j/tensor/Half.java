package io.github.altclip4j.tensor;

/**
 * Scalar conversions between float and the two 16-bit formats of Hugging Face checkpoints, on raw bits.
 * bfloat16 is the top half of a float32; IEEE binary16 has 5 exponent and 10 mantissa bits.
 */
public final class Half {
    private Half() {}

    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** Round to nearest even, as PyTorch's {@code tensor.to(torch.bfloat16)}; NaN stays a (quiet) NaN. */
    public static short floatToBf16(float f) {
        int x = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((x >>> 16) | 0x0040);
        int roundingBias = 0x7FFF + ((x >>> 16) & 1);
        return (short) ((x + roundingBias) >>> 16);
    }

    /**
     * Exact binary16 to float. The exponent/mantissa bits shifted into float position and multiplied by 2^112
     * rebias the exponent; the same multiply turns half subnormals into the right normal floats. Infinities and
     * NaN (exponent all ones) get the float all-ones exponent instead.
     */
    public static float f16ToFloat(short bits) {
        int h = bits & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int magnitude = (h & 0x7FFF) << 13;
        float f = (h & 0x7C00) == 0x7C00
                ? Float.intBitsToFloat(magnitude | 0x7F800000)
                : Float.intBitsToFloat(magnitude) * F16_REBIAS;
        return Float.intBitsToFloat(Float.floatToRawIntBits(f) | sign);
    }

    /** 2^112 = 2^(127 - 15): moves a half exponent into float range. */
    static final float F16_REBIAS = 0x1p112f;

    /** Round to nearest even, overflow to infinity, gradual underflow to half subnormals; NaN stays NaN. */
    public static short floatToF16(float f) {
        int x = Float.floatToRawIntBits(f);
        int sign = (x >>> 16) & 0x8000;
        float a = Math.abs(f);
        if (Float.isNaN(f)) return (short) (sign | 0x7E00);
        if (a >= 65520f) return (short) (sign | 0x7C00); // rounds to infinity
        if (a < 0x1p-14f) { // half subnormal (or zero): units of 2^-24
            return (short) (sign | (int) Math.rint(a * 0x1p24f));
        }
        int bits = Float.floatToRawIntBits(a);
        int exp = (bits >>> 23) - 127 + 15;
        int mant = bits & 0x7FFFFF;
        int half = (exp << 10) | (mant >>> 13);
        int rest = mant & 0x1FFF;
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) half++; // carry may bump the exponent: correct
        return (short) (sign | half);
    }
}
