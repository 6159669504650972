package io.github.altclip4j.tensor;

/**
 * Float32 exp and erf built only from fused multiply-adds and bit tricks, so that {@link ScalarKernels} and
 * {@link VectorKernels} can run exactly the same sequence of operations and agree bit for bit. The scalar
 * versions below are the specification; the vector kernels transcribe them lane-wise.
 *
 * <p>exp: Cody-Waite range reduction {@code x = n ln2 + r}, |r| &le; ln2/2, and Cephes' degree-6
 * polynomial for e^r (about 1 ulp), then a multiply by 2^n built from exponent bits.
 * erf: the rational approximation {@code x P(x^2) / Q(x^2)} on [-4, 4] used by Eigen and XLA
 * (a few 1e-7 absolute error; erf(&plusmn;4) already rounds to &plusmn;1 in float).
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
    static final float[] EXP_POLY = {1.9875691500E-4f, 1.3981999507E-3f, 8.3334519073E-3f,
            4.1665795894E-2f, 1.6666665459E-1f, 5.0000001201E-1f};

    static final float ERF_CLAMP = 4f;
    static final float[] ERF_P = {-2.72614225801306e-10f, 2.77068142495902e-08f, -2.10102402082508e-06f,
            -5.69250639462346e-05f, -7.34990630326855e-04f, -2.95459980854025e-03f, -1.60960333262415e-02f};
    static final float[] ERF_Q = {-1.45660718464996e-05f, -2.13374055278905e-04f, -1.68282697438203e-03f,
            -7.37332916720468e-03f, -1.42647390514189e-02f};
    static final float SQRT1_2 = 0.70710678118654752f;
    static final float QUICK_GELU_ALPHA = 1.702f;

    static float exp(float x) {
        if (x < EXP_LO) return 0f;              // also maps -inf to 0; NaN falls through and stays NaN
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

    static float erf(float x) {
        x = Math.max(-ERF_CLAMP, Math.min(ERF_CLAMP, x));
        float x2 = x * x;
        float p = ERF_P[0];
        for (int i = 1; i < ERF_P.length; i++) p = Math.fma(p, x2, ERF_P[i]);
        float q = ERF_Q[0];
        for (int i = 1; i < ERF_Q.length; i++) q = Math.fma(q, x2, ERF_Q[i]);
        return x * p / q;
    }

    static float gelu(float x) {
        return 0.5f * x * (1f + erf(x * SQRT1_2));
    }

    static float quickGelu(float x) {
        return x / (1f + exp(-QUICK_GELU_ALPHA * x));
    }
}
