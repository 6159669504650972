package io.github.altclip4j.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.altclip4j.cli.Main;
import io.github.altclip4j.formats.Json;
import io.github.altclip4j.weights.SafetensorsFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * From the image files and raw texts through {@code altclip embed}, as a user runs it, to the reference outputs of
 * every tiny-altclip case: the same token ids, pixel values within 1e-6, and embeddings and logits within the same
 * bar as {@link ModelParityTest} (twice PyTorch's float32 error plus one ulp; logits within the float32 bound of the
 * embeddings' error). javax.imageio decodes the fixture JPEGs exactly as libjpeg-turbo did (see
 * {@link ImagePreprocessingTest}), so JPEG cases must match too.
 */
class CommandLineEndToEndTest {
    @TempDir
    Path tmp;

    @SuppressWarnings("unchecked")
    static Stream<Map<String, Object>> cases() throws IOException {
        Path f = Reference.fixtures().resolve("tiny-altclip/expected/cases.json");
        return ((List<Map<String, Object>>) ((Map<String, Object>) Json.parse(Files.readAllBytes(f))).get("cases"))
                .stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void embedCommandReproducesTheReference(Map<String, Object> c) throws IOException {
        List<String> args = new ArrayList<>(List.of(
                "embed", "--model", Reference.fixtures().resolve("tiny-altclip").toString(), "--threads", "2"));
        for (Object t : (List<?>) c.get("texts")) args.addAll(List.of("--text", (String) t));
        for (Object i : (List<?>) c.get("images"))
            args.addAll(List.of(
                    "--image", Reference.fixtures().resolve("images/files/" + i).toString()));
        Path out = tmp.resolve("out.safetensors");
        args.addAll(List.of("--output", out.toString()));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(
                args.toArray(new String[0]),
                new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        try (SafetensorsFile ours = SafetensorsFile.open(out);
                SafetensorsFile ref =
                        SafetensorsFile.open(Reference.fixtures().resolve("tiny-altclip/expected/" + c.get("file")))) {
            assertThat(ours.readLongs("input_ids")).isEqualTo(ref.readLongs("input_ids"));
            assertThat(ours.readLongs("attention_mask")).isEqualTo(ref.readLongs("attention_mask"));
            assertThat(Reference.maxAbsDiff(
                            Reference.doubles(ref, "pixel_values"),
                            ours.readFloat("pixel_values").toArray()))
                    .isLessThanOrEqualTo(1e-6);
            String[][] pairs = {
                {"text_features", "text_embeds"},
                {"image_features", "image_embeds"},
                {"text_embeds", "text_embeds_normalized"},
                {"image_embeds", "image_embeds_normalized"}
            };
            for (String[] p : pairs) {
                double[] f64 = Reference.doubles(ref, p[1] + "_f64"), f32 = Reference.doubles(ref, p[1] + "_f32");
                double max = Arrays.stream(f64).map(Math::abs).max().orElse(0);
                double bar = 2 * Reference.maxAbsDiff(f64, f32) + Math.ulp((float) max);
                assertThat(Reference.maxAbsDiff(f64, ours.readFloat(p[0]).toArray()))
                        .as(p[0])
                        .isLessThanOrEqualTo(bar);
            }
            // logits: within the float32 dot-product bound of the reference logits plus what our embedding error
            // explains
            double[] ref64 = Reference.doubles(ref, "logits_per_text_f64");
            float[] logits = ours.readFloat("logits_per_text").toArray();
            double scale = Reference.doubles(ref, "logit_scale_exp_f64")[0];
            double embedError = Reference.maxAbsDiff(
                            Reference.doubles(ref, "text_embeds_normalized_f64"),
                            ours.readFloat("text_embeds").toArray())
                    + Reference.maxAbsDiff(
                            Reference.doubles(ref, "image_embeds_normalized_f64"),
                            ours.readFloat("image_embeds").toArray());
            int dim = 32;
            for (int i = 0; i < logits.length; i++) {
                double allowed = scale * (dim * embedError + (dim + 2) * 0x1p-24) + Math.ulp((float) ref64[i]);
                assertThat(Math.abs(logits[i] - ref64[i]))
                        .as("logits_per_text[%d]", i)
                        .isLessThanOrEqualTo(allowed);
            }
        }
    }

    /**
     * {@code altclip bench} on the tiny model: the JSON carries both towers, and its FLOP counts equal a count done
     * here by hand from tiny-altclip's config (vision: 28 px images, 7 px patches, hidden 48, MLP 96, 2 layers,
     * projection 32; text: hidden 32, MLP 128, 2 layers, project_dim 32).
     */
    @Test
    @SuppressWarnings("unchecked")
    void benchCommandReportsBothTowersWithTheirFlopCounts() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(
                new String[] {
                    "bench",
                    "--model",
                    Reference.fixtures().resolve("tiny-altclip").toString(),
                    "--images",
                    "2",
                    "--texts",
                    "3",
                    "--tokens",
                    "7",
                    "--threads",
                    "1",
                    "--warmup",
                    "0",
                    "--iterations",
                    "2"
                },
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        Map<String, Object> json = (Map<String, Object>) Json.parse(out.toByteArray());
        Map<String, Object> image = (Map<String, Object>) json.get("image"),
                text = (Map<String, Object>) json.get("text");

        double patches = 16, seq = 17;
        double perImage = 2 * patches * (3 * 7 * 7) * 48
                + 2 * (2 * seq * 48 * (4 * 48 + 2 * 96) + 4 * seq * seq * 48)
                + 2 * 48 * 32;
        double tokens = 7;
        double perText = 2 * (2 * tokens * 32 * (4 * 32 + 2 * 128) + 4 * tokens * tokens * 32)
                + 2 * tokens * 32 * 32
                + 2 * 32 * 32;
        assertThat(((Number) image.get("batch")).intValue()).isEqualTo(2);
        assertThat(((Number) image.get("gflop")).doubleValue()).isCloseTo(2 * perImage / 1e9, Offset.offset(1e-15));
        assertThat(((Number) text.get("batch")).intValue()).isEqualTo(3);
        assertThat(((Number) text.get("gflop")).doubleValue()).isCloseTo(3 * perText / 1e9, Offset.offset(1e-15));
        for (Map<String, Object> tower : List.of(image, text)) {
            double median = ((Number) tower.get("median_s")).doubleValue(),
                    min = ((Number) tower.get("min_s")).doubleValue();
            assertThat(min).isPositive().isLessThanOrEqualTo(median);
        }
        assertThat(((Number) json.get("heap_peak_mb")).longValue()).isPositive();
    }
}
