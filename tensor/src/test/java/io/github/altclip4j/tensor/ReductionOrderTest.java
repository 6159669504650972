package io.github.altclip4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * The reductions add in one documented order, bit for bit, however often they have run: cold (interpreted) and hot
 * (compiled by C2). A search score or a LayerNorm mean that changed with JIT warm-up would make results depend on
 * what ran before them (the thread count, a batch's neighbours). JDK 25's C2 compiled {@code reduceLanes(ADD)} in
 * another order than the interpreter's, which this test catches once the kernels are compiled.
 */
class ReductionOrderTest {
    private static final Kernels K = Backend.kernels();
    /** Float lanes of the vector kernels ("vector-256": 8); 1 means the scalar kernels. */
    private static final int L =
            Backend.isVectorized() ? Integer.parseInt(K.name().substring("vector-".length())) / Float.SIZE : 1;

    private static final int HOT_CALLS = 40_000;

    @Test
    void dotProductsAddInTheirDocumentedOrderColdAndHot() {
        for (int n : new int[] {13, 70, 768, 1024}) {
            float[] x = Reference.randomFloats(21, n, 1f), y = Reference.randomFloats(22, n, 1f);
            short[] bf = new short[n];
            byte[] i8 = new byte[n];
            float[] bfValues = new float[n], i8Values = new float[n];
            for (int i = 0; i < n; i++) {
                bf[i] = Half.floatToBf16(y[i]);
                bfValues[i] = Half.bf16ToFloat(bf[i]);
                i8[i] = (byte) Math.round(y[i] * 127);
                i8Values[i] = i8[i];
            }
            assertSameEveryCall("dot n=" + n, dotInOrder(x, y, n), c -> K.dot(x, 0, y, 0, n));
            assertSameEveryCall("dotBf16 n=" + n, dotInOrder(x, bfValues, n), c -> K.dotBf16(x, 0, bf, 0, n));
            assertSameEveryCall("dotI8 n=" + n, dotInOrder(x, i8Values, n), c -> K.dotI8(x, 0, i8, 0, n));
        }
    }

    @Test
    void sumsAddInTheirDocumentedOrderColdAndHot() {
        for (int n : new int[] {13, 70, 1024, 1280}) {
            float[] x = Reference.randomFloats(23, n, 100f);
            assertSameEveryCall("sum n=" + n, sumInOrder(x, n), c -> K.sum(x, 0, n));
        }
    }

    private static void assertSameEveryCall(String what, float expected, IntFunction<Float> kernel) {
        for (int call = 0; call < HOT_CALLS; call++) {
            float got = kernel.apply(call);
            if (Float.floatToRawIntBits(got) != Float.floatToRawIntBits(expected)) {
                assertThat(got).as("%s, call %d", what, call).isEqualTo(expected);
            }
        }
    }

    /**
     * VectorKernels' order: two vector accumulators of fused multiply-adds over blocks of 2L, their sum, the lanes
     * summed by the halving tree, then the tail by scalar FMAs. ScalarKernels: one FMA chain.
     */
    private static float dotInOrder(float[] x, float[] y, int n) {
        float[] a0 = new float[L], a1 = new float[L];
        int i = 0;
        if (L > 1) {
            for (; i <= n - 2 * L; i += 2 * L) {
                for (int j = 0; j < L; j++) {
                    a0[j] = Math.fma(x[i + j], y[i + j], a0[j]);
                    a1[j] = Math.fma(x[i + L + j], y[i + L + j], a1[j]);
                }
            }
        }
        float[] v = new float[L];
        for (int j = 0; j < L; j++) v[j] = a0[j] + a1[j];
        for (int half = L / 2; half > 0; half /= 2) {
            for (int j = 0; j < half; j++) v[j] += v[j + half];
        }
        float s = v[0];
        for (; i < n; i++) s = Math.fma(x[i], y[i], s);
        return s;
    }

    /** VectorKernels' order: double lanes (low and high halves of each float vector), their sum, the tree, the tail. */
    private static float sumInOrder(float[] x, int n) {
        int d = Math.max(1, L / 2);
        double[] lo = new double[d], hi = new double[d];
        int i = 0;
        if (L > 1) {
            for (; i + L <= n; i += L) {
                for (int j = 0; j < d; j++) {
                    lo[j] += x[i + j];
                    hi[j] += x[i + d + j];
                }
            }
        }
        double[] v = new double[d];
        for (int j = 0; j < d; j++) v[j] = lo[j] + hi[j];
        for (int half = d / 2; half > 0; half /= 2) {
            for (int j = 0; j < half; j++) v[j] += v[j + half];
        }
        double s = v[0];
        for (; i < n; i++) s += x[i];
        return (float) s;
    }
}
