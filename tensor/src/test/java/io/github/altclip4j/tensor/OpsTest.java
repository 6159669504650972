package io.github.altclip4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.BiConsumer;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OpsTest {
    private static final ThreadPool[] POOLS = {new ThreadPool(1), new ThreadPool(2), new ThreadPool(3)};
    private static final int[] WIDTHS = {1, 3, 7, 15, 17, 63, 257, 1023, 4097};

    @AfterAll
    static void closePools() {
        for (ThreadPool p : POOLS) p.close();
    }

    /** Runs {@code op} on copies of x with 1, 2 and 3 threads and checks the results are bit-identical. */
    private static float[] runOnAllPools(float[] x, int rows, int cols, BiConsumer<ThreadPool, FloatTensor> op) {
        float[] first = null;
        for (ThreadPool pool : POOLS) {
            FloatTensor t = FloatTensor.wrap(x.clone(), rows, cols);
            op.accept(pool, t);
            if (first == null) first = t.data();
            else Reference.assertBitIdentical(first, t.data(), pool.threads() + " threads");
        }
        return first;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 7, 15, 17, 63, 257, 1023, 4097})
    void layerNorm(int cols) {
        int rows = 5;
        float[] x = Reference.randomFloats(cols, rows * cols, 3f);
        for (int i = 0; i < cols; i++) x[i] += 100f; // a row with a large mean: the variance must be centred
        float[] g = Reference.randomFloats(1, cols, 1f), b = Reference.randomFloats(2, cols, 1f);
        float[] y = runOnAllPools(x, rows, cols, (p, t) -> Ops.layerNorm(p, t, g, b, 1e-5f, t));
        for (int r = 0; r < rows; r++) {
            double mean = 0, var = 0;
            for (int j = 0; j < cols; j++) mean += x[r * cols + j];
            mean /= cols;
            for (int j = 0; j < cols; j++) var += (x[r * cols + j] - mean) * (x[r * cols + j] - mean);
            var /= cols;
            for (int j = 0; j < cols; j++) {
                double e = (x[r * cols + j] - mean) / Math.sqrt(var + 1e-5) * g[j] + b[j];
                assertThat((double) y[r * cols + j])
                        .as("row %d col %d", r, j)
                        .isCloseTo(e, Offset.offset(2e-5 * (1 + Math.abs(e))));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 7, 15, 17, 63, 257, 1023, 4097})
    void softmax(int cols) {
        int rows = 4;
        float[] x = Reference.randomFloats(cols + 9, rows * cols, 20f);
        x[0] = Attention.MASKED; // a masked score must get exactly zero weight
        float[] y = runOnAllPools(x, rows, cols, Ops::softmax);
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < cols; j++) max = Math.max(max, x[r * cols + j]);
            for (int j = 0; j < cols; j++) sum += Math.exp(x[r * cols + j] - max);
            for (int j = 0; j < cols; j++) {
                double shifted = x[r * cols + j] - max, e = Math.exp(shifted) / sum;
                // float32 rounds x - max to 2^-24 relative: exp turns that into |x - max| * 2^-24 relative error
                double tolerance = e * (1e-6 + Math.abs(shifted) * 0x1p-23) + 1e-30;
                assertThat((double) y[r * cols + j]).isCloseTo(e, Offset.offset(tolerance));
            }
        }
        if (cols > 1) assertThat(y[0]).isZero();
    }

    @Test
    void expIsWithinTwoUlpsOverTheWholeRange() {
        Kernels k = Backend.kernels();
        int n = 400_001;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = -87f + 175f * i / (n - 1);
        float[] y = x.clone();
        k.expShifted(y, 0, n, 0f);
        for (int i = 0; i < n; i++) {
            double e = Math.exp(x[i]);
            assertThat(Math.abs(y[i] - e)).as("exp(%s)", x[i]).isLessThanOrEqualTo(2 * Math.ulp((float) e));
            assertThat(Float.floatToRawIntBits(y[i])).isEqualTo(Float.floatToRawIntBits(FastMath.exp(x[i])));
        }
        float[] edge = {-1000f, Float.NEGATIVE_INFINITY, -87.4f, 0f};
        k.expShifted(edge, 0, edge.length, 0f);
        assertThat(edge).containsExactly(0f, 0f, 0f, 1f);
    }

    @Test
    void geluAndQuickGeluMatchTheirDefinitions() {
        int n = 20_003;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = -10f + 20f * i / (n - 1);
        float[] gelu = x.clone(), quick = x.clone();
        Activation.GELU.apply(Backend.kernels(), gelu, 0, n);
        Activation.QUICK_GELU.apply(Backend.kernels(), quick, 0, n);
        for (int i = 0; i < n; i++) {
            double v = x[i];
            double g = 0.5 * v * (1 + Reference.erf(v / Math.sqrt(2)));
            double arg = -1.702f * v, q = v / (1 + Math.exp(arg)); // PyTorch multiplies by the float 1.702f too
            // What any float32 evaluation of x/2 (1 + erf(x/sqrt 2)) incurs, PyTorch's included: one ulp of the result,
            // the rounding of z = x/sqrt 2 carried through erf' <= 2/sqrt(pi) (about |x| 2^-24 on 1 + erf), and two
            // ulps of 1 + erf (at most 2), all scaled by |x|/2.
            double bound = Math.ulp((float) g) + 0.5 * Math.abs(v) * 0x1p-24 * (Math.abs(v) + 2);
            assertThat((double) gelu[i]).as("gelu(%s)", v).isCloseTo(g, Offset.offset(bound));
            assertThat((double) quick[i])
                    .as("quick_gelu(%s)", v)
                    .isCloseTo(q, Offset.offset((3e-7 + Math.abs(arg) * 0x1p-23) * Math.abs(q) + 1e-30));
        }
    }

    @Test
    void elementwiseAndRowOps() {
        int rows = 7, cols = 257;
        float[] x = Reference.randomFloats(1, rows * cols, 2f), y = Reference.randomFloats(2, rows * cols, 2f);
        float[] bias = Reference.randomFloats(3, cols, 1f), pos = Reference.randomFloats(4, 3 * cols, 1f);
        FloatTensor y2 = FloatTensor.wrap(y, rows, cols);
        float[] sum = runOnAllPools(x, rows, cols, (p, t) -> Ops.add(p, t, y2));
        float[] biased = runOnAllPools(x, rows, cols, (p, t) -> Ops.addRows(p, t, FloatTensor.wrap(bias, 1, cols)));
        float[] positioned = runOnAllPools(x, rows, cols, (p, t) -> Ops.addRows(p, t, FloatTensor.wrap(pos, 3, cols)));
        float[] unit = runOnAllPools(x, rows, cols, Ops::l2Normalize);
        for (int r = 0; r < rows; r++) {
            double norm = 0;
            for (int j = 0; j < cols; j++) norm += (double) x[r * cols + j] * x[r * cols + j];
            norm = Math.sqrt(norm);
            for (int j = 0; j < cols; j++) {
                int i = r * cols + j;
                assertThat(sum[i]).isEqualTo(x[i] + y[i]);
                assertThat(biased[i]).isEqualTo(x[i] + bias[j]);
                assertThat(positioned[i]).isEqualTo(x[i] + pos[(r % 3) * cols + j]);
                assertThat((double) unit[i]).isCloseTo(x[i] / norm, Offset.offset(1e-6));
            }
        }
        float[] zero = runOnAllPools(new float[cols], 1, cols, Ops::l2Normalize);
        assertThat(zero).containsOnly(0f);
    }

    @Test
    void patchesAreTheConvolutionAsAGemm() {
        int batch = 2, ch = 3, h = 15, w = 22, p = 7, out = 5;
        float[] img = Reference.randomFloats(9, batch * ch * h * w, 1f);
        float[] weight = Reference.randomFloats(10, out * ch * p * p, 1f);
        FloatTensor cols = Ops.patches(FloatTensor.wrap(img, batch, ch, h, w), p);
        int ny = h / p, nx = w / p;
        assertThat(cols.shape()).containsExactly(batch * ny * nx, ch * p * p);
        FloatTensor y = Gemm.linear(POOLS[1], cols, PackedMatrix.pack(FloatTensor.wrap(weight, out, ch * p * p)), null);
        for (int b = 0; b < batch; b++)
            for (int py = 0; py < ny; py++)
                for (int px = 0; px < nx; px++)
                    for (int o = 0; o < out; o++) {
                        double s = 0;
                        for (int c = 0; c < ch; c++)
                            for (int dy = 0; dy < p; dy++)
                                for (int dx = 0; dx < p; dx++) {
                                    s += (double) img[((b * ch + c) * h + py * p + dy) * w + px * p + dx]
                                            * weight[((o * ch + c) * p + dy) * p + dx];
                                }
                        assertThat((double) y.get((b * ny + py) * nx + px, o)).isCloseTo(s, Offset.offset(1e-4));
                    }
    }
}
