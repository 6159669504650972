package io.github.altclip4j.tensor;

import java.util.SplittableRandom;

/** Naive double-precision references and random data for the kernel tests. */
final class Reference {
    private Reference() {}

    static float[] randomFloats(long seed, int n, float scale) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        return x;
    }

    /** C = A[m][k] · W[n][k]^T (+ bias) in double, plus the error bound of any float32 FMA-chain evaluation. */
    static double[][] linear(float[] a, float[] w, float[] bias, int m, int n, int k) {
        double[] c = new double[m * n], bound = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0, abs = 0;
                for (int kk = 0; kk < k; kk++) {
                    double p = (double) a[i * k + kk] * w[j * k + kk];
                    s += p;
                    abs += Math.abs(p);
                }
                if (bias != null) {
                    s += bias[j];
                    abs += Math.abs(bias[j]);
                }
                c[i * n + j] = s;
                // gamma_(k+1) * sum |a b|: the classical forward error bound of a float32 dot product
                bound[i * n + j] = (k + 2) * 0x1p-24 * abs * 1.01 + Float.MIN_NORMAL;
            }
        }
        return new double[][] {c, bound};
    }

    /** Bit-exact comparison of two float arrays, with the first mismatch in the message. */
    static void assertBitIdentical(float[] expected, float[] actual, String what) {
        if (expected.length != actual.length)
            throw new AssertionError(what + ": lengths " + expected.length + " vs " + actual.length);
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                throw new AssertionError(what + ": element " + i + " differs: " + expected[i] + " vs " + actual[i]);
            }
        }
    }

    /** |actual - expected| <= bound element-wise. */
    static void assertWithin(
            double[] expected,
            double[] bound,
            float[] actual,
            int offset,
            int stride,
            int rows,
            int cols,
            String what) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double e = expected[i * cols + j], a = actual[offset + i * stride + j];
                if (!(Math.abs(a - e) <= bound[i * cols + j])) {
                    throw new AssertionError(what + ": [" + i + "][" + j + "] = " + a + ", expected " + e + " +- "
                            + bound[i * cols + j]);
                }
            }
        }
    }

    /** erf in double by composite Simpson integration of 2/sqrt(pi) e^(-t^2); good to ~1e-14 on [-6, 6]. */
    static double erf(double x) {
        int n = 4000;
        double h = x / n, s = 1 + Math.exp(-x * x);
        for (int i = 1; i < n; i++) s += (i % 2 == 1 ? 4 : 2) * Math.exp(-(i * h) * (i * h));
        return s * h / 3 * 2 / Math.sqrt(Math.PI);
    }
}
