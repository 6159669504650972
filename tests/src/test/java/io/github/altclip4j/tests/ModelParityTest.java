package io.github.altclip4j.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.altclip4j.model.AltClipModel;
import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.tensor.ThreadPool;
import io.github.altclip4j.weights.SafetensorsFile;
import io.github.altclip4j.weights.WeightFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The towers on the stored {@code input_ids} / {@code pixel_values} of every case of every tiny-altclip variant,
 * against transformers run in float64 on the same stored weights. The bar: our float32 error on each tensor is at most
 * twice the error of PyTorch's own float32 run (plus one float32 ulp of the tensor's largest value: the last rounding
 * of any float32 computation); normalised embeddings have cosine >= 0.99999 with the reference. The logits are a
 * few dot products of the normalised embeddings, so their error is the embeddings' error carried through (on a
 * 1x1 case PyTorch happened to land within 0.1 ulp, which no ratio can be asked of): they are checked against the
 * logits computed in float64 from our own embeddings, within the float32 dot-product error bound. Outputs are
 * bit-identical for 1 and 3 threads.
 */
class ModelParityTest {
    private static final ThreadPool ONE = new ThreadPool(1), THREE = new ThreadPool(3);
    private static final String[] VARIANTS = {
        "tiny-altclip", "tiny-altclip-bf16", "tiny-altclip-f16", "tiny-altclip-bin"
    };
    private static final String[] CASES = {
        "single_en", "batch_padding", "truncation", "multilingual", "special_tokens_and_spaces"
    };
    /** AltCLIP-m18's ViT-H/14 traits: exact-erf GELU in the vision MLP, head size 20, projection 48 != project_dim 40. */
    private static final String[] VIT_H_VARIANTS = {"tiny-altclip-vith", "tiny-altclip-vith-bf16"};

    private static final String[] VIT_H_CASES = {"single_en", "batch_padding", "multilingual"};

    @AfterAll
    static void close() {
        ONE.close();
        THREE.close();
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String v : VARIANTS) for (String c : CASES) out.add(Arguments.of(v, c));
        for (String v : VIT_H_VARIANTS) for (String c : VIT_H_CASES) out.add(Arguments.of(v, c));
        return out.stream();
    }

    /**
     * The same stored values through both weight paths: 16-bit weights kept 16-bit (widened in registers on JDK 21+,
     * a panel at a time on JDK 17) and widened to float32 at load. BF16 widens to float exactly, so the two must give
     * the same bits, and so the same error against the reference: a BF16 model is as accurate as an F32 model of its
     * values, whatever the bar made of PyTorch's own error on it says.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("sixteenBitVariants")
    void sixteenBitWeightsGiveTheBitsOfTheirFloat32Values(String variant) throws IOException {
        AltClipModel widened = AltClipModel.load(Reference.fixtures().resolve(variant), WeightFormat.F32, w -> {
            throw new AssertionError(w);
        });
        for (String caseName : variant.contains("vith") ? VIT_H_CASES : CASES) {
            Path file = Reference.fixtures().resolve(variant + "/expected/" + caseName + ".safetensors");
            try (SafetensorsFile ref = SafetensorsFile.open(file)) {
                Map<String, float[]> kept = run(model(variant), THREE, ref), asFloat = run(widened, THREE, ref);
                for (String name : kept.keySet()) {
                    assertThat(asFloat.get(name))
                            .as("%s %s %s", variant, caseName, name)
                            .containsExactly(kept.get(name));
                }
            }
        }
    }

    static Stream<String> sixteenBitVariants() {
        return Stream.of("tiny-altclip-bf16", "tiny-altclip-f16", "tiny-altclip-vith-bf16");
    }

    private static final Map<String, AltClipModel> MODELS = new LinkedHashMap<>();

    private static synchronized AltClipModel model(String variant) throws IOException {
        AltClipModel m = MODELS.get(variant);
        if (m == null) {
            m = AltClipModel.load(Reference.fixtures().resolve(variant), WeightFormat.AS_STORED, w -> {
                throw new AssertionError(w);
            });
            MODELS.put(variant, m);
        }
        return m;
    }

    /** Everything the reference stores for one case, computed by us. */
    private static Map<String, float[]> run(AltClipModel model, ThreadPool pool, SafetensorsFile ref)
            throws IOException {
        int[][] ids = Reference.ints2d(ref, "input_ids"), mask = Reference.ints2d(ref, "attention_mask");
        FloatTensor pixels = ref.readFloat("pixel_values");
        AltClipModel.TextFeatures text = model.textFeatures(pool, ids, mask);
        AltClipModel.ImageFeatures image = model.imageFeatures(pool, pixels);
        FloatTensor textEmbeds = AltClipModel.normalize(pool, text.features());
        FloatTensor imageEmbeds = AltClipModel.normalize(pool, image.features());
        FloatTensor perText = model.logits(pool, textEmbeds, imageEmbeds);
        Map<String, float[]> out = new LinkedHashMap<>();
        out.put("text_last_hidden_state", text.tower().lastHiddenState().toArray());
        out.put("text_pooled", text.tower().pooled().toArray());
        out.put("text_embeds", text.features().toArray());
        out.put("text_embeds_normalized", textEmbeds.toArray());
        out.put("image_last_hidden_state", image.tower().lastHiddenState().toArray());
        out.put("image_pooled", image.tower().pooled().toArray());
        out.put("image_embeds", image.features().toArray());
        out.put("image_embeds_normalized", imageEmbeds.toArray());
        out.put("logits_per_text", perText.toArray());
        out.put("logit_scale_exp", new float[] {model.logitScaleExp()});
        float[] perImage = new float[perText.size()];
        int t = perText.dim(0), i = perText.dim(1);
        for (int a = 0; a < t; a++) for (int b = 0; b < i; b++) perImage[b * t + a] = perText.get(a, b);
        out.put("logits_per_image", perImage);
        return out;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void matchesTransformersWithinTwicePyTorchsOwnFloat32Error(String variant, String caseName) throws IOException {
        AltClipModel model = model(variant);
        Path file = Reference.fixtures().resolve(variant + "/expected/" + caseName + ".safetensors");
        try (SafetensorsFile ref = SafetensorsFile.open(file)) {
            Map<String, float[]> ours = run(model, ONE, ref);
            Map<String, float[]> threaded = run(model, THREE, ref);
            List<String> problems = new ArrayList<>();
            int compared = 0;
            double worst = 0;
            String worstName = "";
            for (Map.Entry<String, float[]> e : ours.entrySet()) {
                String name = e.getKey();
                if (!Arrays.equals(e.getValue(), threaded.get(name))) problems.add(name + ": 1 and 3 threads differ");
                if (!ref.tensors().containsKey(name + "_f64") || name.startsWith("logits_")) continue;
                double[] f64 = Reference.doubles(ref, name + "_f64"), f32 = Reference.doubles(ref, name + "_f32");
                double ourError = Reference.maxAbsDiff(f64, e.getValue()), torchError = Reference.maxAbsDiff(f64, f32);
                compared++;
                double ulpFloor =
                        Math.ulp((float) Arrays.stream(f64).map(Math::abs).max().orElse(0));
                double ratio = ourError / (2 * torchError + ulpFloor);
                if (ratio > worst) {
                    worst = ratio;
                    worstName = name;
                }
                if (ourError > 2 * torchError + ulpFloor) {
                    problems.add(String.format(
                            "%s: our error %.3g > 2 x PyTorch float32 error %.3g", name, ourError, torchError));
                }
                if (name.endsWith("_normalized")) {
                    int dim = model.config().projectionDim();
                    for (int r = 0; r < f64.length / dim; r++) {
                        double dot = 0, n1 = 0, n2 = 0;
                        for (int k = 0; k < dim; k++) {
                            double a = f64[r * dim + k], b = e.getValue()[r * dim + k];
                            dot += a * b;
                            n1 += a * a;
                            n2 += b * b;
                        }
                        double cos = dot / Math.sqrt(n1 * n2);
                        if (cos < 0.99999) problems.add(name + " row " + r + ": cosine " + cos);
                    }
                }
            }
            // logits: exactly the scaled dot products of our normalised embeddings
            int dim = model.config().projectionDim();
            float[] te = ours.get("text_embeds_normalized"),
                    ie = ours.get("image_embeds_normalized"),
                    lt = ours.get("logits_per_text");
            int texts = te.length / dim, images = ie.length / dim;
            for (int a = 0; a < texts; a++) {
                for (int b = 0; b < images; b++) {
                    double dot = 0, abs = 0;
                    for (int k = 0; k < dim; k++) {
                        dot += (double) te[a * dim + k] * ie[b * dim + k];
                        abs += Math.abs((double) te[a * dim + k] * ie[b * dim + k]);
                    }
                    double scale = model.logitScaleExp(), expected = dot * scale, got = lt[a * images + b];
                    double bound =
                            (dim + 2) * 0x1p-24 * abs * scale; // gamma_(k+2) sum|ab|, the classical float32 bound
                    if (Math.abs(got - expected) > bound)
                        problems.add("logits_per_text[" + a + "][" + b + "] = " + got + ", expected " + expected);
                    if (ours.get("logits_per_image")[b * texts + a] != got)
                        problems.add("logits_per_image is not the transpose");
                }
            }
            System.out.printf(
                    "parity %s %s: worst tensor %s at %.2f of the bar%n", variant, caseName, worstName, worst);
            assertThat(compared).isGreaterThanOrEqualTo(7);
            assertThat(problems).isEmpty();
        }
    }
}
