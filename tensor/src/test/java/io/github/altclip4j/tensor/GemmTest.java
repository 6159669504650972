package io.github.altclip4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GemmTest {
    private static final ThreadPool[] POOLS = {new ThreadPool(1), new ThreadPool(2), new ThreadPool(3)};

    @AfterAll
    static void closePools() {
        for (ThreadPool p : POOLS) p.close();
    }

    /** m x k x n, with the awkward sizes of the issue: 1, 3, 7, 15, 17, 63, 257, 1023, 4097, K not a vector multiple. */
    static Stream<Arguments> shapes() {
        int[][] s = {
            {1, 1, 1},
            {1, 7, 3},
            {3, 17, 15},
            {7, 3, 17},
            {15, 63, 7},
            {17, 15, 63},
            {6, 64, 64},
            {12, 256, 128},
            {63, 257, 17},
            {257, 64, 257},
            {257, 257, 64},
            {1, 1023, 65},
            {16, 1024, 130},
            {7, 4097, 33},
            {5, 300, 4097},
            {257, 1023, 63},
            {241, 513, 70},
            {481, 40, 129},
        };
        List<Arguments> out = new ArrayList<>();
        for (int[] x : s) for (DType t : DType.values()) out.add(Arguments.of(x[0], x[1], x[2], t));
        return out.stream();
    }

    @ParameterizedTest(name = "{0}x{1}x{2} {3}")
    @MethodSource("shapes")
    void linearMatchesDoublePrecisionAndIsThreadCountInvariant(int m, int k, int n, DType dtype) {
        if (dtype == DType.I8) return; // see int8MatchesDoublePrecisionOnTheStoredIntegers
        float[] a = Reference.randomFloats(1000L * m + k, m * k, 1f);
        float[] w = Reference.randomFloats(7L * n + k, n * k, 0.5f);
        float[] bias = Reference.randomFloats(n, n, 0.1f);
        PackedMatrix packed;
        if (dtype == DType.F32) {
            packed = PackedMatrix.pack(FloatTensor.wrap(w, n, k));
        } else {
            HalfTensor h = HalfTensor.of(FloatTensor.wrap(w, n, k), dtype);
            packed = PackedMatrix.pack(h);
            w = h.toFloat().toArray(); // the reference multiplies the 16-bit values actually stored
        }
        assertThat(packed.dtype()).isEqualTo(dtype);
        double[][] ref = Reference.linear(a, w, bias, m, n, k);

        float[] first = null;
        for (ThreadPool pool : POOLS) {
            FloatTensor c = Gemm.linear(pool, FloatTensor.wrap(a, m, k), packed, bias);
            Reference.assertWithin(ref[0], ref[1], c.data(), 0, n, m, n, dtype + " " + pool.threads() + " threads");
            if (first == null) first = c.data();
            else Reference.assertBitIdentical(first, c.data(), "1 vs " + pool.threads() + " threads");
        }
    }

    /**
     * Int8 weights: every stored value within half a step of the float weight it quantises (scale = max|row| / 127),
     * and the GEMM equal to {@code scale[j] * sum_k a[i][k] q[j][k] + bias[j]} computed in double from the stored
     * integers, within the float32 error bound of the dot product plus the epilogue's multiply and add.
     */
    @ParameterizedTest(name = "{0}x{1}x{2} {3}")
    @MethodSource("shapes")
    void int8MatchesDoublePrecisionOnTheStoredIntegers(int m, int k, int n, DType dtype) {
        if (dtype != DType.I8) return;
        float[] a = Reference.randomFloats(1000L * m + k, m * k, 1f);
        float[] w = Reference.randomFloats(7L * n + k, n * k, 0.5f);
        float[] bias = Reference.randomFloats(n, n, 0.1f);
        PackedMatrix packed = PackedMatrix.pack(FloatTensor.wrap(w, n, k), DType.I8);
        assertThat(packed.dtype()).isEqualTo(DType.I8);
        int pw = packed.panelWidth();
        double[] ref = new double[m * n], bound = new double[m * n];
        for (int j = 0; j < n; j++) {
            double max = 0;
            for (int kk = 0; kk < k; kk++) max = Math.max(max, Math.abs(w[j * k + kk]));
            float scale = packed.scales()[j];
            assertThat((double) scale).isCloseTo(max / 127, Offset.offset(max * 1e-7));
            for (int kk = 0; kk < k; kk++) {
                int q = packed.i8()[PackedMatrix.panelOffset(j / pw, k, pw) + kk * pw + j % pw];
                assertThat(Math.abs(q)).isLessThanOrEqualTo(127);
                // half a step, plus the rounding of w / scale (|w / scale| <= 127) before rint
                assertThat(Math.abs((double) q * scale - w[j * k + kk])).isLessThanOrEqualTo(scale * (0.5 + 0x1p-16));
            }
            for (int i = 0; i < m; i++) {
                double s = 0, abs = 0;
                for (int kk = 0; kk < k; kk++) {
                    double p = (double) a[i * k + kk]
                            * packed.i8()[PackedMatrix.panelOffset(j / pw, k, pw) + kk * pw + j % pw];
                    s += p;
                    abs += Math.abs(p);
                }
                ref[i * n + j] = s * scale + bias[j];
                bound[i * n + j] = (k + 4) * 0x1p-24 * (abs * scale + Math.abs(bias[j])) * 1.01 + Float.MIN_NORMAL;
            }
        }
        float[] first = null;
        for (ThreadPool pool : POOLS) {
            FloatTensor c = Gemm.linear(pool, FloatTensor.wrap(a, m, k), packed, bias);
            Reference.assertWithin(ref, bound, c.data(), 0, n, m, n, "int8 " + pool.threads() + " threads");
            if (first == null) first = c.data();
            else Reference.assertBitIdentical(first, c.data(), "1 vs " + pool.threads() + " threads");
        }
    }

    /**
     * The summation order, bit for bit: each dot product is one fused multiply-add chain per block of k, and the
     * blocks' sums are added in increasing k (then the int8 scale, then the bias), computed here with plain scalar
     * loops on the stored weights.
     */
    @ParameterizedTest(name = "k={0} {1}")
    @MethodSource("blockedShapes")
    void dotProductsAreSummedInBlocksOfKInIncreasingK(int k, DType dtype) {
        int block = Gemm.K_BLOCK;
        int m = 7, n = 70;
        float[] a = Reference.randomFloats(31L * k, m * k, 1f);
        float[] w = Reference.randomFloats(37L * k, n * k, 0.5f);
        float[] bias = Reference.randomFloats(n, n, 0.1f);
        PackedMatrix packed = dtype == DType.F32
                ? PackedMatrix.pack(FloatTensor.wrap(w, n, k))
                : dtype == DType.I8
                        ? PackedMatrix.pack(FloatTensor.wrap(w, n, k), DType.I8)
                        : PackedMatrix.pack(HalfTensor.of(FloatTensor.wrap(w, n, k), dtype));
        int pw = packed.panelWidth();
        FloatTensor c = Gemm.linear(POOLS[1], FloatTensor.wrap(a, m, k), packed, bias);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float total = 0f;
                for (int k0 = 0; k0 < k; k0 += block) {
                    float chain = 0f;
                    for (int kk = k0; kk < Math.min(k, k0 + block); kk++) {
                        chain = Math.fma(a[i * k + kk], storedWeight(packed, j, kk, pw), chain);
                    }
                    total = k0 == 0 ? chain : total + chain;
                }
                if (dtype == DType.I8) total *= packed.scales()[j];
                float expected = total + bias[j];
                assertThat(c.data()[i * n + j])
                        .as("C[%d][%d], k=%d %s", i, j, k, dtype)
                        .isEqualTo(expected);
            }
        }
    }

    static Stream<Arguments> blockedShapes() {
        List<Arguments> out = new ArrayList<>();
        for (int k : new int[] {255, 511, 512, 513, 1024, 4097})
            for (DType t : DType.values()) out.add(Arguments.of(k, t));
        return out.stream();
    }

    /** Row j, column kk of the packed weights as the kernel multiplies it (16-bit and int8 values widened exactly). */
    private static float storedWeight(PackedMatrix w, int j, int kk, int pw) {
        int at = PackedMatrix.panelOffset(j / pw, w.inFeatures(), pw) + kk * pw + j % pw;
        return switch (w.dtype()) {
            case F32 -> w.f32()[at];
            case I8 -> w.i8()[at];
            case BF16 -> Half.bf16ToFloat(w.half()[at]);
            case F16 -> Half.f16ToFloat(w.half()[at]);
        };
    }

    @Test
    void stridedOperandsLeaveTheRestOfCUntouched() {
        int m = 13, k = 70, n = 40, lda = 90, ldc = 57;
        float[] a = Reference.randomFloats(1, m * lda, 1f);
        float[] w = Reference.randomFloats(2, n * k, 1f);
        float[] c = new float[5 + m * ldc];
        Arrays.fill(c, 42f);
        Gemm.linear(
                POOLS[1],
                a,
                3,
                lda,
                m,
                PackedMatrix.pack(FloatTensor.wrap(w, n, k)),
                null,
                Activation.NONE,
                null,
                0,
                0,
                c,
                5,
                ldc);
        float[] dense = new float[m * k];
        for (int i = 0; i < m; i++) System.arraycopy(a, 3 + i * lda, dense, i * k, k);
        double[][] ref = Reference.linear(dense, w, null, m, n, k);
        Reference.assertWithin(ref[0], ref[1], c, 5, ldc, m, n, "strided");
        for (int i = 0; i < 5; i++) assertThat(c[i]).isEqualTo(42f);
        for (int i = 0; i < m; i++)
            for (int j = n; j < ldc && 5 + i * ldc + j < c.length; j++)
                assertThat(c[5 + i * ldc + j]).isEqualTo(42f);
    }

    @ParameterizedTest(name = "{0}x{1}x{2}")
    @MethodSource("shapes")
    void matmulTransposedMatchesDoublePrecision(int m, int k, int n, DType ignored) {
        if (ignored != DType.F32) return;
        float[] a = Reference.randomFloats(3, m * k, 1f);
        float[] b = Reference.randomFloats(4, n * k, 1f); // [n][k]
        double[][] ref = Reference.linear(a, b, null, m, n, k);
        FloatTensor c = Gemm.matmulTransposed(POOLS[2], FloatTensor.wrap(a, m, k), FloatTensor.wrap(b, n, k));
        Reference.assertWithin(ref[0], ref[1], c.data(), 0, n, m, n, "A·B^T");
    }

    /** The fused epilogue must give exactly the bits of the separate passes it replaces (bias, activation, residual). */
    @ParameterizedTest(name = "{0}x{1}x{2} {3}")
    @MethodSource("shapes")
    void epilogueEqualsSeparatePassesBitForBit(int m, int k, int n, DType dtype) {
        if (dtype == DType.F16) return;
        float[] a = Reference.randomFloats(11, m * k, 1f), bias = Reference.randomFloats(12, n, 0.5f);
        float[] residual = Reference.randomFloats(13, m * n, 2f);
        FloatTensor w = FloatTensor.wrap(Reference.randomFloats(14, n * k, 0.5f), n, k);
        PackedMatrix packed =
                dtype == DType.BF16 ? PackedMatrix.pack(HalfTensor.of(w, dtype)) : PackedMatrix.pack(w, dtype);
        FloatTensor x = FloatTensor.wrap(a, m, k);
        for (Activation act : Activation.values()) {
            for (ThreadPool pool : POOLS) {
                FloatTensor expected = Gemm.linear(pool, x, packed, bias);
                act.apply(Backend.kernels(), expected.data(), 0, m * n);
                Ops.add(pool, expected, FloatTensor.wrap(residual.clone(), m, n));

                FloatTensor fused = FloatTensor.zeros(m, n);
                Gemm.linear(pool, x, packed, bias, act, FloatTensor.wrap(residual.clone(), m, n), fused);
                Reference.assertBitIdentical(
                        expected.data(), fused.data(), act + " with a residual, " + pool.threads() + " threads");

                FloatTensor inPlace = FloatTensor.wrap(residual.clone(), m, n); // h = h + act(x W^T + b)
                Gemm.linear(pool, x, packed, bias, act, inPlace, inPlace);
                Reference.assertBitIdentical(
                        expected.data(), inPlace.data(), act + " in place, " + pool.threads() + " threads");
            }
        }
    }

    @Test
    void vectorAndScalarTilesAgreeBitForBit() {
        Kernels vector = Backend.kernels(), scalar = new ScalarKernels(vector.tileRows(), vector.panelWidth());
        int pw = vector.panelWidth(), tr = vector.tileRows(), k = 300;
        float[] a = Reference.randomFloats(5, tr * k, 1f), p = Reference.randomFloats(6, k * pw, 1f);
        for (boolean accumulate : new boolean[] {false, true}) {
            float[] c1 = Reference.randomFloats(7, tr * pw, 1f), c2 = c1.clone();
            vector.tile(a, 0, p, 0, k, c1, accumulate);
            scalar.tile(a, 0, p, 0, k, c2, accumulate);
            Reference.assertBitIdentical(c2, c1, vector.name() + " vs scalar tile, accumulate " + accumulate);
        }
    }

    @Test
    void bf16TileEqualsTheFloatTileOnWidenedValuesBitForBit() {
        for (Kernels kern : new Kernels[] {Backend.kernels(), new ScalarKernels()}) {
            int pw = kern.panelWidth(), tr = kern.tileRows(), k = 300;
            float[] a = Reference.randomFloats(8, tr * k, 1f);
            short[] bits = new short[k * pw];
            float[] widened = new float[k * pw];
            float[] p = Reference.randomFloats(9, k * pw, 1f);
            for (int i = 0; i < bits.length; i++) {
                bits[i] = Half.floatToBf16(p[i]);
                widened[i] = Half.bf16ToFloat(bits[i]);
            }
            for (boolean accumulate : new boolean[] {false, true}) {
                float[] c1 = Reference.randomFloats(10, tr * pw, 1f), c2 = c1.clone();
                kern.tileBf16(a, 0, bits, 0, k, c1, accumulate);
                kern.tile(a, 0, widened, 0, k, c2, accumulate);
                Reference.assertBitIdentical(c2, c1, kern.name() + " bf16 tile, accumulate " + accumulate);
            }
        }
    }

    @Test
    void int8TileEqualsTheFloatTileOnWidenedValuesBitForBit() {
        for (Kernels kern : new Kernels[] {Backend.kernels(), new ScalarKernels()}) {
            int pw = kern.panelWidth(), tr = kern.tileRows(), k = 300;
            float[] a = Reference.randomFloats(8, tr * k, 1f), widened = new float[k * pw];
            byte[] q = new byte[k * pw];
            SplittableRandom r = new SplittableRandom(5);
            for (int i = 0; i < q.length; i++) {
                q[i] = (byte) (r.nextInt(255) - 127);
                widened[i] = q[i];
            }
            for (boolean accumulate : new boolean[] {false, true}) {
                float[] c1 = Reference.randomFloats(11, tr * pw, 1f), c2 = c1.clone();
                kern.tileI8(a, 0, q, 0, k, c1, accumulate);
                kern.tile(a, 0, widened, 0, k, c2, accumulate);
                Reference.assertBitIdentical(c2, c1, kern.name() + " int8 tile, accumulate " + accumulate);
            }
            float[] w2 = new float[q.length];
            kern.i8ToFloat(q, 0, w2, 0, q.length);
            Reference.assertBitIdentical(widened, w2, kern.name() + " int8 widening");
        }
    }

    @Test
    void mismatchedShapesAreRefused() {
        PackedMatrix w = PackedMatrix.pack(FloatTensor.zeros(8, 16));
        assertThatThrownBy(() -> Gemm.linear(POOLS[0], FloatTensor.zeros(2, 15), w, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not match");
        assertThatThrownBy(() -> Gemm.linear(
                        POOLS[0], new float[10], 0, 16, 2, w, null, Activation.NONE, null, 0, 0, new float[16], 0, 8))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("A");
        assertThatThrownBy(() -> Gemm.linear(
                        POOLS[0],
                        FloatTensor.zeros(2, 16),
                        w,
                        null,
                        Activation.NONE,
                        FloatTensor.zeros(3, 8),
                        FloatTensor.zeros(2, 8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("residual");
    }
}
