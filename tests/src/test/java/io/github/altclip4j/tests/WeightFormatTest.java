package io.github.altclip4j.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.altclip4j.model.AltClipModel;
import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.tensor.ThreadPool;
import io.github.altclip4j.weights.Checkpoint;
import io.github.altclip4j.weights.Conversion;
import io.github.altclip4j.weights.SafetensorsFile;
import io.github.altclip4j.weights.StoredType;
import io.github.altclip4j.weights.WeightFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
    private static final String[] VARIANTS = {
        "tiny-altclip",
        "tiny-altclip-bf16",
        "tiny-altclip-f16",
        "tiny-altclip-bin",
        "tiny-altclip-vith",
        "tiny-altclip-vith-bf16"
    };

    static Stream<Arguments> int8Cases() throws IOException {
        List<Arguments> out = new ArrayList<>();
        for (String v : VARIANTS) {
            try (Stream<Path> files = Files.list(Reference.fixtures().resolve(v.replace("-bin", "") + "/expected"))) {
                files.map(f -> f.getFileName().toString())
                        .filter(f -> f.endsWith(".safetensors"))
                        .sorted()
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

    /**
     * {@code altclip convert --dtype int8} on disk, loaded as stored, computes exactly what quantising at load does;
     * loaded as F32 it is the dequantised model, close to it.
     */
    @Test
    void int8CheckpointOnDiskEqualsInt8AtLoadBitForBit(@TempDir Path dir) throws IOException {
        Path source = Reference.fixtures().resolve("tiny-altclip");
        try (Stream<Path> files = Files.list(source)) {
            for (Path f : files.filter(
                            f -> f.toString().endsWith(".json") || f.toString().endsWith(".model"))
                    .toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        Set<String> int8 = new HashSet<>(AltClipModel.int8Tensors(source));
        assertThat(int8)
                .contains(
                        "text_model.roberta.embeddings.word_embeddings.weight",
                        "visual_projection.weight",
                        "vision_model.embeddings.patch_embedding.weight",
                        "text_model.roberta.encoder.layer.0.attention.self.query.weight")
                .doesNotContain("text_model.roberta.embeddings.position_embeddings.weight", "text_model.pre_LN.weight");
        try (Checkpoint in = Checkpoint.open(source.resolve("model.safetensors"))) {
            Conversion.toSafetensors(in, dir.resolve("model.safetensors"), StoredType.F32, int8);
        }
        try (ThreadPool pool = new ThreadPool(2);
                SafetensorsFile ref = SafetensorsFile.open(source.resolve("expected/batch_padding.safetensors"));
                SafetensorsFile stored = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
            assertThat(stored.entry("visual_projection.weight").type()).isEqualTo(StoredType.I8);
            assertThat(stored.entry("visual_projection.weight_scale").type()).isEqualTo(StoredType.F32);
            int[][] ids = Reference.ints2d(ref, "input_ids"), mask = Reference.ints2d(ref, "attention_mask");
            FloatTensor pixels = ref.readFloat("pixel_values");
            AltClipModel atLoad = AltClipModel.load(source, WeightFormat.INT8, w -> {});
            AltClipModel onDisk = AltClipModel.load(dir, WeightFormat.AS_STORED, w -> {
                throw new AssertionError(w);
            });
            assertThat(onDisk.textFeatures(pool, ids, mask).features().toArray())
                    .containsExactly(
                            atLoad.textFeatures(pool, ids, mask).features().toArray());
            assertThat(onDisk.imageFeatures(pool, pixels).features().toArray())
                    .containsExactly(
                            atLoad.imageFeatures(pool, pixels).features().toArray());
        }
        compare(dir, "tiny-altclip", "batch_padding.safetensors", WeightFormat.F32, 0.999);
    }

    @ParameterizedTest
    @EnumSource(
            value = WeightFormat.class,
            names = {"BF16", "F16"})
    void sixteenBitWeightsAtLoadStayCloseToFloat32(WeightFormat format) throws IOException {
        compare("tiny-altclip", "batch_padding.safetensors", format, format == WeightFormat.BF16 ? 0.999 : 0.99999);
    }

    private static void compare(String variant, String caseFile, WeightFormat format, double minCosine)
            throws IOException {
        compare(Reference.fixtures().resolve(variant), variant, caseFile, format, minCosine);
    }

    /** {@code model} loaded as {@code format} against {@code variant} as stored, on one of the variant's cases. */
    private static void compare(Path model, String variant, String caseFile, WeightFormat format, double minCosine)
            throws IOException {
        try (ThreadPool pool = new ThreadPool(2);
                SafetensorsFile ref = SafetensorsFile.open(
                        Reference.fixtures().resolve(variant.replace("-bin", "") + "/expected/" + caseFile))) {
            AltClipModel f32 =
                    AltClipModel.load(Reference.fixtures().resolve(variant), WeightFormat.AS_STORED, w -> {});
            AltClipModel half = AltClipModel.load(model, format, w -> {});
            int[][] ids = Reference.ints2d(ref, "input_ids"), mask = Reference.ints2d(ref, "attention_mask");
            FloatTensor pixels = ref.readFloat("pixel_values");
            FloatTensor[] a = {
                AltClipModel.normalize(pool, f32.textFeatures(pool, ids, mask).features()),
                AltClipModel.normalize(pool, f32.imageFeatures(pool, pixels).features())
            };
            FloatTensor[] b = {
                AltClipModel.normalize(pool, half.textFeatures(pool, ids, mask).features()),
                AltClipModel.normalize(pool, half.imageFeatures(pool, pixels).features())
            };
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
                System.out.printf(
                        "%s %s: %s weights vs as stored, %s embeddings: min cosine %.6f, max |diff| %.2e%n",
                        variant, caseFile, format, t == 0 ? "text" : "image", minCos, maxAbs);
                assertThat(minCos).isGreaterThan(minCosine);
            }
        }
    }
}
