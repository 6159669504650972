package io.github.altclip4j.tensor;

import org.junit.jupiter.api.Test;

class WarmupTest {

    /** The warm-up runs every kernel path the towers use (F32/BF16/F16 GEMMs, each epilogue, masked attention) without failing. */
    @Test
    void warmupRunsAndLeavesResultsUnchanged() {
        float[] a = Reference.randomFloats(1, 13 * 40, 1f), w = Reference.randomFloats(2, 70 * 40, 1f);
        PackedMatrix packed = PackedMatrix.pack(FloatTensor.wrap(w, 70, 40));
        try (ThreadPool pool = new ThreadPool(2)) {
            float[] before =
                    Gemm.linear(pool, FloatTensor.wrap(a, 13, 40), packed, null).data();
            for (DType t : DType.values()) Warmup.run(MappedWeights.available(), t);
            Reference.assertBitIdentical(
                    before,
                    Gemm.linear(pool, FloatTensor.wrap(a, 13, 40), packed, null).data(),
                    "after the warm-up");
        }
    }
}
