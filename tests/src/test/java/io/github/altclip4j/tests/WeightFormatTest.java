package io.github.altclip4j.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.altclip4j.model.AltClipModel;
import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.tensor.ThreadPool;
import io.github.altclip4j.weights.SafetensorsFile;
import io.github.altclip4j.weights.WeightFormat;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The F32 tiny model loaded with its GEMM weights and word embeddings converted to 16 bits at load: the embeddings
 * stay close to the float32 ones (the difference is printed).
 */
class WeightFormatTest {

    @ParameterizedTest
    @EnumSource(value = WeightFormat.class, names = {"BF16", "F16"})
    void sixteenBitWeightsAtLoadStayCloseToFloat32(WeightFormat format) throws IOException {
        try (ThreadPool pool = new ThreadPool(2);
             SafetensorsFile ref = SafetensorsFile.open(Reference.fixtures().resolve("tiny-altclip/expected/batch_padding.safetensors"))) {
            AltClipModel f32 = AltClipModel.load(Reference.fixtures().resolve("tiny-altclip"), WeightFormat.AS_STORED, w -> { });
            AltClipModel half = AltClipModel.load(Reference.fixtures().resolve("tiny-altclip"), format, w -> { });
            int[][] ids = Reference.ints2d(ref, "input_ids"), mask = Reference.ints2d(ref, "attention_mask");
            FloatTensor pixels = ref.readFloat("pixel_values");
            FloatTensor[] a = {AltClipModel.normalize(pool, f32.textFeatures(pool, ids, mask).features()),
                    AltClipModel.normalize(pool, f32.imageFeatures(pool, pixels).features())};
            FloatTensor[] b = {AltClipModel.normalize(pool, half.textFeatures(pool, ids, mask).features()),
                    AltClipModel.normalize(pool, half.imageFeatures(pool, pixels).features())};
            for (int t = 0; t < 2; t++) {
                double minCos = 1, maxAbs = 0;
                for (int r = 0; r < a[t].rows(); r++) {
                    double dot = 0;
                    for (int c = 0; c < a[t].cols(); c++) {
                        dot += (double) a[t].get(r, c) * b[t].get(r, c);
                        maxAbs = Math.max(maxAbs, Math.abs(a[t].get(r, c) - b[t].get(r, c)));
                    }
                    minCos = Math.min(minCos, dot); // both unit length
                }
                System.out.printf("%s weights vs F32, %s embeddings: min cosine %.6f, max |diff| %.2e%n", format, t == 0 ? "text" : "image", minCos, maxAbs);
                assertThat(minCos).isGreaterThan(format == WeightFormat.BF16 ? 0.999 : 0.99999);
            }
        }
    }
}
