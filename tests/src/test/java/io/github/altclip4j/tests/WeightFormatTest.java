package io.github.altclip4j.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.altclip4j.model.AltClipModel;
import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.tensor.ThreadPool;
import io.github.altclip4j.weights.SafetensorsFile;
import io.github.altclip4j.weights.WeightFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The tiny models loaded with their GEMM weights and word embeddings converted at load (16 bits, or int8): the
 * embeddings stay close to those of the weights as stored (the difference is printed). Int8 is held to cosine
 * >= 0.999 on every case of every fixture model.
 */
class WeightFormatTest {
    private static final String[] VARIANTS = {"tiny-altclip", "tiny-altclip-bf16", "tiny-altclip-f16", "tiny-altclip-bin",
        "tiny-altclip-vith", "tiny-altclip-vith-bf16"};

    static Stream<Arguments> int8Cases() throws IOException {
        List<Arguments> out = new ArrayList<>();
        for (String v : VARIANTS) {
            try (Stream<Path> files = Files.list(Reference.fixtures().resolve(v.replace("-bin", "") + "/expected"))) {
                files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".safetensors")).sorted()
                        .forEach(f -> out.add(Arguments.of(v, f)));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("int8Cases")
    void int8WeightsAtLoadKeepEveryEmbeddingWithinCosine0999(String variant, String caseFile) throws IOException {
        compare(variant, caseFile, WeightFormat.INT8, 0.999);
    }

    @ParameterizedTest
    @EnumSource(value = WeightFormat.class, names = {"BF16", "F16"})
    void sixteenBitWeightsAtLoadStayCloseToFloat32(WeightFormat format) throws IOException {
        compare("tiny-altclip", "batch_padding.safetensors", format, format == WeightFormat.BF16 ? 0.999 : 0.99999);
    }

    private static void compare(String variant, String caseFile, WeightFormat format, double minCosine) throws IOException {
        Path model = Reference.fixtures().resolve(variant);
        try (ThreadPool pool = new ThreadPool(2);
             SafetensorsFile ref = SafetensorsFile.open(Reference.fixtures().resolve(variant.replace("-bin", "") + "/expected/" + caseFile))) {
            AltClipModel f32 = AltClipModel.load(model, WeightFormat.AS_STORED, w -> { });
            AltClipModel half = AltClipModel.load(model, format, w -> { });
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
                System.out.printf("%s %s: %s weights vs as stored, %s embeddings: min cosine %.6f, max |diff| %.2e%n",
                        variant, caseFile, format, t == 0 ? "text" : "image", minCos, maxAbs);
                assertThat(minCos).isGreaterThan(minCosine);
            }
        }
    }
}
