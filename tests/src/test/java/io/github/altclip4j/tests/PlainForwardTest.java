package io.github.altclip4j.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.altclip4j.model.AltClipModel;
import io.github.altclip4j.plain.PlainForward;
import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.tensor.ThreadPool;
import io.github.altclip4j.weights.AltClipConfig;
import io.github.altclip4j.weights.SafetensorsFile;
import io.github.altclip4j.weights.WeightFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The plain double-precision forward ({@link PlainForward}) first against transformers run in float64 (so it is the
 * reference's maths), then as the yardstick for the fast float32 code layer by layer: each layer of the engine, fed
 * the engine's own input to that layer, must land within float32 rounding of the plain layer fed the same input. A
 * wrong operation anywhere (a missed scale, a swapped residual, a mask off by one) shows up at the layer that has it.
 */
class PlainForwardTest {
    /**
     * Relative to the largest value of a layer's output: what float32 evaluation of one layer costs, with margin (the
     * worst seen is 4.4e-7, about 7 float32 ulps, at the patch embedding and pre-LayerNorm; the layers stay below
     * 2e-7).
     */
    private static final double FLOAT32_LAYER_ERROR = 1e-6;

    /** Relative to the largest value: how closely two float64 evaluations of the same maths agree. */
    private static final double FLOAT64_AGREEMENT = 1e-13;

    @ParameterizedTest
    @ValueSource(strings = {"tiny-altclip", "tiny-altclip-vith"})
    void plainForwardIsTransformersInFloat64(String variant) throws IOException {
        Path folder = Reference.fixtures().resolve(variant);
        AltClipConfig config = AltClipConfig.read(folder.resolve("config.json"));
        try (SafetensorsFile weights = SafetensorsFile.open(folder.resolve("model.safetensors"));
                SafetensorsFile ref = SafetensorsFile.open(folder.resolve("expected/multilingual.safetensors"))) {
            PlainForward plain = new PlainForward(weights, config);
            int[][] ids = Reference.ints2d(ref, "input_ids"), mask = Reference.ints2d(ref, "attention_mask");
            List<double[][]> textPooled = new ArrayList<>(), textEmbeds = new ArrayList<>();
            for (int b = 0; b < ids.length; b++) {
                PlainForward.Text t = plain.text(ids[b], mask[b]);
                textPooled.add(t.pooled());
                textEmbeds.add(t.embeds());
            }
            List<double[][]> imagePooled = new ArrayList<>(),
                    imageEmbeds = new ArrayList<>(),
                    imageLast = new ArrayList<>();
            for (double[][][] image : images(ref.readFloat("pixel_values"))) {
                PlainForward.Vision v = plain.vision(image);
                imagePooled.add(v.pooled());
                imageEmbeds.add(v.embeds());
                imageLast.add(v.hiddenStates().get(v.hiddenStates().size() - 1));
            }
            assertMatches(ref, "text_pooled_f64", textPooled, variant);
            assertMatches(ref, "text_embeds_f64", textEmbeds, variant);
            assertMatches(ref, "image_pooled_f64", imagePooled, variant);
            assertMatches(ref, "image_embeds_f64", imageEmbeds, variant);
            assertMatches(ref, "image_last_hidden_state_f64", imageLast, variant);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-altclip", "tiny-altclip-vith"})
    void everyLayerOfTheFastCodeIsWithinFloat32OfThePlainOne(String variant) throws IOException {
        Path folder = Reference.fixtures().resolve(variant);
        AltClipConfig config = AltClipConfig.read(folder.resolve("config.json"));
        try (ThreadPool pool = new ThreadPool(2);
                SafetensorsFile weights = SafetensorsFile.open(folder.resolve("model.safetensors"));
                SafetensorsFile ref = SafetensorsFile.open(folder.resolve("expected/multilingual.safetensors"))) {
            PlainForward plain = new PlainForward(weights, config);
            AltClipModel model = AltClipModel.load(folder, WeightFormat.AS_STORED, w -> {});
            int[][] ids = Reference.ints2d(ref, "input_ids"), mask = Reference.ints2d(ref, "attention_mask");
            FloatTensor pixels = ref.readFloat("pixel_values");

            List<FloatTensor> text = new ArrayList<>(), vision = new ArrayList<>();
            model.text().forward(pool, ids, mask, text);
            model.vision().forward(pool, pixels, vision);
            assertThat(text).hasSize(config.text().numHiddenLayers() + 1);
            assertThat(vision).hasSize(config.vision().numHiddenLayers() + 1);

            for (int b = 0; b < ids.length; b++) {
                String what = variant + " text " + b + " embeddings";
                assertWithinFloat32(plain.textEmbeddings(ids[b], config.text()), text.get(0), b, what);
                for (int i = 0; i < config.text().numHiddenLayers(); i++) {
                    double[][] expected = plain.textLayer(i, rows(text.get(i), b), mask[b]);
                    assertWithinFloat32(expected, text.get(i + 1), b, variant + " text " + b + " layer " + i);
                }
            }
            List<double[][][]> images = images(pixels);
            for (int b = 0; b < images.size(); b++) {
                double[][] embedded = plain.layerNorm(
                        plain.visionEmbeddings(images.get(b), config.vision()),
                        "vision_model.pre_layrnorm",
                        PlainForward.eps(config.vision().layerNormEps()));
                assertWithinFloat32(embedded, vision.get(0), b, variant + " image " + b + " embeddings");
                for (int i = 0; i < config.vision().numHiddenLayers(); i++) {
                    double[][] expected = plain.visionLayer(i, rows(vision.get(i), b));
                    assertWithinFloat32(expected, vision.get(i + 1), b, variant + " image " + b + " layer " + i);
                }
            }
        }
    }

    /** Sequence {@code b} of a {@code [batch][seq][d]} hidden state, as doubles. */
    private static double[][] rows(FloatTensor states, int b) {
        int seq = states.dim(1), d = states.dim(2);
        float[] data = states.toArray();
        double[][] out = new double[seq][d];
        for (int t = 0; t < seq; t++) for (int i = 0; i < d; i++) out[t][i] = data[(b * seq + t) * d + i];
        return out;
    }

    private static void assertWithinFloat32(double[][] expected, FloatTensor ours, int b, String what) {
        double[][] got = rows(ours, b);
        double max = 0, error = 0;
        for (int t = 0; t < expected.length; t++) {
            for (int i = 0; i < expected[t].length; i++) {
                max = Math.max(max, Math.abs(expected[t][i]));
                error = Math.max(error, Math.abs(expected[t][i] - got[t][i]));
            }
        }
        assertThat(error)
                .as("%s: max abs error against the plain double forward", what)
                .isLessThanOrEqualTo(FLOAT32_LAYER_ERROR * max);
    }

    private static void assertMatches(SafetensorsFile ref, String name, List<double[][]> ours, String variant)
            throws IOException {
        double[] expected = Reference.doubles(ref, name);
        double[] flat = ours.stream()
                .flatMap(Arrays::stream)
                .flatMapToDouble(Arrays::stream)
                .toArray();
        double error = Reference.maxAbsDiff(expected, flat);
        double max = Arrays.stream(expected).map(Math::abs).max().orElse(0);
        System.out.printf(
                "plain forward %s %s: max abs difference from transformers float64 %.3g (largest value %.3g)%n",
                variant, name, error, max);
        assertThat(flat).hasSameSizeAs(expected);
        // Two float64 evaluations of the same maths in different orders: a few ulps (a difference in the maths, even
        // layer_norm_eps read as a float, shows at 1e-11 and above).
        assertThat(error).as("%s %s", variant, name).isLessThanOrEqualTo(FLOAT64_AGREEMENT * Math.max(1, max));
    }

    /** {@code [batch][channels][h][w]} pixel values as one {@code [channels][h][w]} array per image. */
    private static List<double[][][]> images(FloatTensor pixels) {
        int batch = pixels.dim(0), ch = pixels.dim(1), h = pixels.dim(2), w = pixels.dim(3);
        float[] data = pixels.toArray();
        List<double[][][]> out = new ArrayList<>();
        for (int b = 0; b < batch; b++) {
            double[][][] image = new double[ch][h][w];
            for (int c = 0; c < ch; c++)
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++) image[c][y][x] = data[((b * ch + c) * h + y) * w + x];
            out.add(image);
        }
        return out;
    }
}
