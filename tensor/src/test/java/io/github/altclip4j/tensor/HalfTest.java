package io.github.altclip4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HalfTest {

    /** binary16 decoded from its definition, in double. */
    private static double f16Reference(int h) {
        int sign = (h >> 15) & 1, exp = (h >> 10) & 0x1F, mant = h & 0x3FF;
        double v;
        if (exp == 0x1F) v = mant == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        else if (exp == 0) v = mant * Math.pow(2, -24);
        else v = (1 + mant / 1024.0) * Math.pow(2, exp - 15);
        return sign == 1 ? -v : v;
    }

    @Test
    void everyHalfBitPatternWidensExactly() {
        short[] all = new short[65536];
        for (int i = 0; i < all.length; i++) all[i] = (short) i;
        float[] f16 = new float[all.length], bf16 = new float[all.length];
        Backend.kernels().f16ToFloat(all, 0, f16, 0, all.length);
        Backend.kernels().bf16ToFloat(all, 0, bf16, 0, all.length);
        for (int i = 0; i < all.length; i++) {
            double ref = f16Reference(i);
            if (Double.isNaN(ref)) {
                assertThat(f16[i]).isNaN();
            } else {
                assertThat((double) f16[i]).as("f16 %04x", i).isEqualTo(ref);
                assertThat(Float.floatToRawIntBits(f16[i]) < 0)
                        .as("sign of %04x", i)
                        .isEqualTo((i & 0x8000) != 0);
            }
            assertThat(Float.floatToRawIntBits(bf16[i])).isEqualTo(i << 16);
            assertThat(Float.floatToRawIntBits(Half.f16ToFloat(all[i]))).isEqualTo(Float.floatToRawIntBits(f16[i]));
            if (!Double.isNaN(ref))
                assertThat(Half.floatToF16(f16[i])).as("round trip %04x", i).isEqualTo(all[i]);
        }
    }

    @Test
    void narrowingRoundsToNearestEven() {
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < 200_000; i++) {
            float f = Float.intBitsToFloat(r.nextInt());
            if (Float.isNaN(f)) continue;
            // bf16: the nearest of the two neighbours with 16 low bits cleared, ties to even
            short b = Half.floatToBf16(f);
            assertNearest(
                    f,
                    Half.bf16ToFloat(b),
                    Half.bf16ToFloat((short) (b + 1)),
                    Half.bf16ToFloat((short) (b - 1)),
                    Half.bf16ToFloat((short) 0x7F7F) + 0x1p119);
            short h = Half.floatToF16(f);
            assertNearest(
                    f, Half.f16ToFloat(h), Half.f16ToFloat((short) (h + 1)), Half.f16ToFloat((short) (h - 1)), 65520.0);
        }
        assertThat(Half.floatToF16(1e6f)).isEqualTo((short) 0x7C00);
        assertThat(Half.floatToF16(-1e6f)).isEqualTo((short) 0xFC00);
        assertThat(Half.f16ToFloat(Half.floatToF16(Float.NaN))).isNaN();
        assertThat(Half.bf16ToFloat(Half.floatToBf16(Float.NaN))).isNaN();
    }

    /** The SIMD rounding used at load gives the bits of {@link Half#floatToBf16}, specials and ties included, at any offset. */
    @Test
    void bulkBf16RoundingEqualsTheScalarDefinition() {
        SplittableRandom r = new SplittableRandom(12);
        float[] src = new float[100_003];
        for (int i = 0; i < src.length; i++) src[i] = Float.intBitsToFloat(r.nextInt());
        float[] specials = {
            Float.NaN,
            Float.intBitsToFloat(0x7F800001),
            Float.intBitsToFloat(0xFFC00000),
            Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY,
            Float.MAX_VALUE,
            -Float.MAX_VALUE,
            Float.MIN_VALUE,
            0f,
            -0f,
            Float.intBitsToFloat(0x3F808000),
            Float.intBitsToFloat(0x3F818000),
            Float.intBitsToFloat(0x7F7F8000)
        };
        System.arraycopy(specials, 0, src, 37, specials.length);
        for (int i = 0; i < 1000; i++)
            src[200 + i] = Float.intBitsToFloat((r.nextInt() & 0xFFFF0000) | 0x8000); // exact ties
        short[] bulk = new short[src.length + 5];
        HalfTensor.round(DType.BF16, src, 3, bulk, 5, src.length - 3);
        for (int i = 3; i < src.length; i++) {
            assertThat(bulk[i + 2])
                    .as("element %d (%08x)", i, Float.floatToRawIntBits(src[i]))
                    .isEqualTo(Half.floatToBf16(src[i]));
        }
    }

    /** {@code chosen} is a nearest neighbour of f; infinity only from {@code overflowFrom} (max + half an ulp) on. */
    private static void assertNearest(float f, float chosen, float up, float down, double overflowFrom) {
        if (Float.isInfinite(chosen)) {
            assertThat(Math.abs((double) f)).as("%s overflows", f).isGreaterThanOrEqualTo(overflowFrom);
            return;
        }
        double err = Math.abs((double) chosen - f);
        if (Float.isFinite(up))
            assertThat(err).as("%s -> %s vs %s", f, chosen, up).isLessThanOrEqualTo(Math.abs((double) up - f));
        if (Float.isFinite(down))
            assertThat(err).as("%s -> %s vs %s", f, chosen, down).isLessThanOrEqualTo(Math.abs((double) down - f));
    }
}
