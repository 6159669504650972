package io.github.altclip4j.tools;

import io.github.altclip4j.formats.JsonWriter;
import io.github.altclip4j.tensor.Half;
import io.github.altclip4j.weights.SafetensorsWriter;
import io.github.altclip4j.weights.StoredType;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A model folder with the shapes of a real checkpoint and seeded random weights, for benchmarks without the download:
 * every tensor name and shape that {@link io.github.altclip4j.model.AltClipModel} binds (RandomModelTest checks that
 * the two agree), LayerNorm weights near 1, the rest uniform with standard deviation 0.02 (as transformers
 * initialises), {@code logit_scale} = 2.6592. Each tensor is generated from
 * its own seed (the run's seed and its name) while being written, so no second copy of the weights is ever held.
 */
public final class RandomModel {
    private RandomModel() {}

    /** A model's sizes and its vision tower's activation. */
    public record Shapes(
            int vocab,
            int textHidden,
            int textLayers,
            int textHeads,
            int textIntermediate,
            int maxPositions,
            int projectDim,
            int visionHidden,
            int visionLayers,
            int visionHeads,
            int visionIntermediate,
            int imageSize,
            int patchSize,
            int projectionDim,
            String visionAct) {}

    /** BAAI/AltCLIP: XLM-R large and a CLIP ViT-L/14 (quick_gelu), projected to 768. */
    public static final Shapes ALTCLIP =
            new Shapes(250002, 1024, 24, 16, 4096, 514, 768, 1024, 24, 16, 4096, 224, 14, 768, "quick_gelu");

    /**
     * BAAI/AltCLIP-m18: the same XLM-R large text tower, an OpenCLIP ViT-H/14 image tower (hidden 1280, 32 layers, 16
     * heads of 80, MLP 5120, exact-erf gelu) and projections to 1024: {@code projection_dim} 1024 in the model's
     * published config.json (huggingface.co/BAAI/AltCLIP-m18, config.json), the vision sizes those of OpenCLIP's
     * ViT-H/14 as transformers configures it ({@code clip_vision_config_h.json}: 1280 / 32 / 16 / 5120 / gelu / patch
     * 14 / 224 px). The text tower's {@code project_dim} is taken as 1024 too.
     */
    public static final Shapes M18 =
            new Shapes(250002, 1024, 24, 16, 4096, 514, 1024, 1280, 32, 16, 5120, 224, 14, 1024, "gelu");

    public static void write(Shapes s, Path tokenizerFrom, Path out, StoredType dtype, long seed, PrintStream progress)
            throws IOException {
        Files.createDirectories(out);
        for (String f : new String[] {"sentencepiece.bpe.model", "tokenizer_config.json", "special_tokens_map.json"}) {
            Path src = tokenizerFrom.resolve(f);
            if (Files.exists(src)) Files.copy(src, out.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            else if (f.equals("sentencepiece.bpe.model"))
                throw new IOException(tokenizerFrom + ": no sentencepiece.bpe.model to copy");
        }
        Files.writeString(out.resolve("config.json"), new JsonWriter().any(config(s)) + "\n", StandardCharsets.UTF_8);
        Files.writeString(
                out.resolve("preprocessor_config.json"),
                new JsonWriter().any(new PreprocessorJson(s.imageSize())) + "\n",
                StandardCharsets.UTF_8);
        SafetensorsWriter w =
                new SafetensorsWriter().metadata("format", "pt").metadata("producer", "altclip4j random-model");
        Map<String, int[]> tensors = tensors(s);
        int[] done = {0};
        for (Map.Entry<String, int[]> e : tensors.entrySet()) {
            String name = e.getKey();
            int[] shape = e.getValue();
            long count = 1;
            long[] lshape = new long[shape.length];
            for (int i = 0; i < shape.length; i++) {
                count *= shape[i];
                lshape[i] = shape[i];
            }
            long n = count;
            StoredType type = name.equals("logit_scale") ? StoredType.F32 : dtype;
            w.add(name, type, lshape, n * type.bytes(), () -> {
                if (++done[0] % 50 == 0)
                    progress.printf("altclip: random-model: %d of %d tensors%n", done[0], tensors.size());
                return values(name, (int) n, type, seed);
            });
        }
        w.write(out.resolve("model.safetensors"));
    }

    private static ByteBuffer values(String name, int n, StoredType type, long seed) {
        SplittableRandom r = new SplittableRandom(seed * 31 + name.hashCode());
        boolean norm = name.endsWith(".weight")
                && (name.contains("LayerNorm")
                        || name.contains("layer_norm")
                        || name.contains("pre_LN")
                        || name.contains("layrnorm")
                        || name.contains("post_layernorm"));
        double halfWidth = 0.02 * Math.sqrt(3); // uniform with standard deviation 0.02
        ByteBuffer b = ByteBuffer.allocate(n * type.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            float v = name.equals("logit_scale")
                    ? 2.6592f
                    : (float) ((norm ? 1 : 0) + (r.nextDouble() * 2 - 1) * halfWidth);
            if (type == StoredType.F32) b.putFloat(v);
            else b.putShort(type == StoredType.BF16 ? Half.floatToBf16(v) : Half.floatToF16(v));
        }
        return b.flip();
    }

    /** Every parameter of the model with its shape, in the checkpoint's names. */
    static Map<String, int[]> tensors(Shapes s) {
        Map<String, int[]> t = new LinkedHashMap<>();
        int d = s.textHidden(), ff = s.textIntermediate();
        t.put("logit_scale", new int[0]);
        String e = "text_model.roberta.embeddings.";
        t.put(e + "word_embeddings.weight", new int[] {s.vocab(), d});
        t.put(e + "position_embeddings.weight", new int[] {s.maxPositions(), d});
        t.put(e + "token_type_embeddings.weight", new int[] {1, d});
        norm(t, e + "LayerNorm", d);
        for (int i = 0; i < s.textLayers(); i++) {
            String p = "text_model.roberta.encoder.layer." + i + ".";
            for (String q : new String[] {
                "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"
            }) {
                linear(t, p + q, d, d);
            }
            norm(t, p + "attention.output.LayerNorm", d);
            linear(t, p + "intermediate.dense", ff, d);
            linear(t, p + "output.dense", d, ff);
            norm(t, p + "output.LayerNorm", d);
        }
        norm(t, "text_model.pre_LN", d);
        linear(t, "text_model.transformation", s.projectDim(), d);
        t.put("text_projection.weight", new int[] {s.projectionDim(), s.projectDim()});
        int v = s.visionHidden(), vff = s.visionIntermediate(), grid = s.imageSize() / s.patchSize();
        t.put("vision_model.embeddings.class_embedding", new int[] {v});
        t.put("vision_model.embeddings.patch_embedding.weight", new int[] {v, 3, s.patchSize(), s.patchSize()});
        t.put("vision_model.embeddings.position_embedding.weight", new int[] {grid * grid + 1, v});
        norm(t, "vision_model.pre_layrnorm", v);
        for (int i = 0; i < s.visionLayers(); i++) {
            String p = "vision_model.encoder.layers." + i + ".";
            for (String q : new String[] {"q_proj", "k_proj", "v_proj", "out_proj"})
                linear(t, p + "self_attn." + q, v, v);
            norm(t, p + "layer_norm1", v);
            linear(t, p + "mlp.fc1", vff, v);
            linear(t, p + "mlp.fc2", v, vff);
            norm(t, p + "layer_norm2", v);
        }
        norm(t, "vision_model.post_layernorm", v);
        t.put("visual_projection.weight", new int[] {s.projectionDim(), v});
        return t;
    }

    private static void linear(Map<String, int[]> t, String name, int out, int in) {
        t.put(name + ".weight", new int[] {out, in});
        t.put(name + ".bias", new int[] {out});
    }

    private static void norm(Map<String, int[]> t, String name, int d) {
        t.put(name + ".weight", new int[] {d});
        t.put(name + ".bias", new int[] {d});
    }

    /** {@code config.json} as transformers' {@code AltCLIPConfig} writes it (the fields the model reads, and its types). */
    record ConfigJson(
            List<String> architectures,
            String modelType,
            int projectionDim,
            double logitScaleInitValue,
            TextConfigJson textConfig,
            VisionConfigJson visionConfig) {}

    record TextConfigJson(
            String modelType,
            int vocabSize,
            int hiddenSize,
            int numHiddenLayers,
            int numAttentionHeads,
            int intermediateSize,
            String hiddenAct,
            int maxPositionEmbeddings,
            int typeVocabSize,
            double layerNormEps,
            int padTokenId,
            int bosTokenId,
            int eosTokenId,
            int projectDim) {}

    record VisionConfigJson(
            String modelType,
            int hiddenSize,
            int intermediateSize,
            int numHiddenLayers,
            int numAttentionHeads,
            int numChannels,
            int imageSize,
            int patchSize,
            String hiddenAct,
            double layerNormEps,
            int projectionDim) {}

    /** BAAI/AltCLIP's {@code preprocessor_config.json}, at the model's image size. */
    record PreprocessorJson(
            int cropSize,
            boolean doCenterCrop,
            boolean doConvertRgb,
            boolean doNormalize,
            boolean doResize,
            String featureExtractorType,
            double[] imageMean,
            double[] imageStd,
            int resample,
            int size) {
        PreprocessorJson(int imageSize) {
            this(
                    imageSize,
                    true,
                    true,
                    true,
                    true,
                    "CLIPFeatureExtractor",
                    new double[] {0.48145466, 0.4578275, 0.40821073},
                    new double[] {0.26862954, 0.26130258, 0.27577711},
                    3,
                    imageSize);
        }
    }

    static ConfigJson config(Shapes s) {
        return new ConfigJson(
                List.of("AltCLIPModel"),
                "altclip",
                s.projectionDim(),
                2.6592,
                new TextConfigJson(
                        "altclip_text_model",
                        s.vocab(),
                        s.textHidden(),
                        s.textLayers(),
                        s.textHeads(),
                        s.textIntermediate(),
                        "gelu",
                        s.maxPositions(),
                        1,
                        1e-05,
                        1,
                        0,
                        2,
                        s.projectDim()),
                new VisionConfigJson(
                        "altclip_vision_model",
                        s.visionHidden(),
                        s.visionIntermediate(),
                        s.visionLayers(),
                        s.visionHeads(),
                        3,
                        s.imageSize(),
                        s.patchSize(),
                        s.visionAct(),
                        1e-05,
                        s.projectionDim()));
    }
}
