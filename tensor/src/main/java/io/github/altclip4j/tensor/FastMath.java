package io.github.altclip4j.tensor;

/**
 * Float32 exp and erf built only from fused multiply-adds and bit tricks, so that {@link ScalarKernels} and
 * {@link VectorKernels} can run exactly the same sequence of operations and agree bit for bit. The scalar
 * versions below are the specification; the vector kernels transcribe them lane-wise.
 *
 * <p>exp: Cody-Waite range reduction {@code x = n ln2 + r}, |r| &le; ln2/2, and Cephes' degree-6
 * polynomial for e^r (about 1 ulp), then a multiply by 2^n built from exponent bits.
 *
 * <p>GELU needs {@code 1 + erf(z)}, computed directly so that the negative tail does not cancel:
 * for |z| &lt; 1, {@code 1 + z P(z^2)}; beyond, {@code erfc(|z|) = exp(-z^2) Q(1/|z|)}, giving {@code erfc(|z|)} for
 * z &lt; 0 and {@code 2 - erfc(z)} for z &gt; 0 (|z| clamped at 4, where erfc is below float resolution of 2).
 * P (degree 5 in z^2) and Q (degree 9 in 1/z, fitted for relative error) are least-squares fits made for this project
 * (numpy, Chebyshev nodes); GELU built on them is within 4e-7 absolute of the exact value over [-12, 12] and far better
 * in relative terms on the negative tail than {@code 0.5 x (1 + erff(x/sqrt 2))}.
 */
final class FastMath {
    private FastMath() {}

    static final float LOG2E = 1.44269504088896341f;
    /** 1.5 * 2^23: adding it rounds a float of magnitude &lt; 2^22 to the nearest integer. */
    static final float ROUND_MAGIC = 12582912f;

    static final float LN2_HI = 0.693359375f;
    static final float LN2_LO = -2.12194440e-4f;
    /** Below this exp underflows to subnormals: flushed to 0. */
    static final float EXP_LO = -87.33654f;
    /** Above this 2^n would overflow the exponent field: clamped (e^88 = 1.65e38). */
    static final float EXP_HI = 88.0f;

    static final float[] EXP_POLY = {
        1.9875691500E-4f, 1.3981999507E-3f, 8.3334519073E-3f, 4.1665795894E-2f, 1.6666665459E-1f, 5.0000001201E-1f
    };

    /** Below this |z|, the series form; at and above, the erfc form. */
    static final float ERF_SPLIT = 1f;

    static final float ERFC_CLAMP = 4f;
    static final float[] ERF_P = {
        -0.0005654111737385392f,
        0.00492328405380249f,
        -0.02671639621257782f,
        0.11280365288257599f,
        -0.37612348794937134f,
        1.1283791065216064f
    };
    static final float[] ERFC_Q = {
        0.032063789665699005f,
        -0.18718473613262177f,
        0.45619118213653564f,
        -0.5614756345748901f,
        0.2593049108982086f,
        0.2187761664390564f,
        -0.37169697880744934f,
        0.01960456557571888f,
        0.5618856549263f,
        0.0001146724316640757f
    };
    static final float SQRT1_2 = 0.70710678118654752f;
    static final float QUICK_GELU_ALPHA = 1.702f;

    static float exp(float x) {
        if (x < EXP_LO) return 0f; // also maps -inf to 0; NaN falls through and stays NaN
        x = Math.min(x, EXP_HI);
        float t = Math.fma(x, LOG2E, ROUND_MAGIC);
        float n = t - ROUND_MAGIC;
        int twoToN = (Float.floatToRawIntBits(t) - Float.floatToRawIntBits(ROUND_MAGIC) + 127) << 23;
        float r = Math.fma(-n, LN2_HI, x);
        r = Math.fma(-n, LN2_LO, r);
        float p = EXP_POLY[0];
        for (int i = 1; i < EXP_POLY.length; i++) p = Math.fma(p, r, EXP_POLY[i]);
        float y = Math.fma(p, r * r, r) + 1f;
        return y * Float.intBitsToFloat(twoToN);
    }

    /** {@code 1 + erf(z)}. */
    static float onePlusErf(float z) {
        float a = Math.abs(z);
        if (a < ERF_SPLIT) {
            float z2 = z * z, p = ERF_P[0];
            for (int i = 1; i < ERF_P.length; i++) p = Math.fma(p, z2, ERF_P[i]);
            return Math.fma(z, p, 1f);
        }
        a = Math.min(a, ERFC_CLAMP);
        float t = 1f / a, q = ERFC_Q[0];
        for (int i = 1; i < ERFC_Q.length; i++) q = Math.fma(q, t, ERFC_Q[i]);
        float erfc = exp(-(a * a)) * q;
        return z < 0 ? erfc : 2f - erfc;
    }

    static float gelu(float x) {
        return 0.5f * x * onePlusErf(x * SQRT1_2);
    }

    static float quickGelu(float x) {
        return x / (1f + exp(-QUICK_GELU_ALPHA * x));
    }
}
