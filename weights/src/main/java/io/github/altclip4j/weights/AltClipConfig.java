package io.github.altclip4j.weights;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A model folder's {@code config.json} ({@code AltCLIPConfig} of transformers): the two towers' shapes and the
 * shared projection size. Absent fields take transformers' defaults (v4.36), which describe BAAI/AltCLIP's text
 * tower (XLM-R large) and a ViT-B/32 vision tower; the real checkpoints spell every field out.
 */
public record AltClipConfig(TextConfig text, VisionConfig vision, int projectionDim, double logitScaleInit) {

    /** {@code text_config}: the XLM-RoBERTa encoder and AltCLIP's {@code transformation} to {@code project_dim}. */
    public record TextConfig(
            int vocabSize,
            int hiddenSize,
            int numHiddenLayers,
            int numAttentionHeads,
            int intermediateSize,
            String hiddenAct,
            int maxPositionEmbeddings,
            int typeVocabSize,
            float layerNormEps,
            int padTokenId,
            int bosTokenId,
            int eosTokenId,
            int projectDim) {
        public int headDim() {
            return hiddenSize / numAttentionHeads;
        }

        /**
         * The longest input the position embeddings cover, {@code <s>} and {@code </s>} included: RoBERTa's positions
         * start after the padding id ({@code pad + 1} for the first real token), so
         * {@code max_position_embeddings - pad - 1}.
         */
        public int maxTokens() {
            return maxPositionEmbeddings - padTokenId - 1;
        }
    }

    /** {@code vision_config}: the CLIP ViT. */
    public record VisionConfig(
            int hiddenSize,
            int intermediateSize,
            int numHiddenLayers,
            int numAttentionHeads,
            int numChannels,
            int imageSize,
            int patchSize,
            String hiddenAct,
            float layerNormEps) {
        public int headDim() {
            return hiddenSize / numAttentionHeads;
        }

        /** Patches per image plus the class token. */
        public int numPositions() {
            return (imageSize / patchSize) * (imageSize / patchSize) + 1;
        }
    }

    // Ranges a config must fall in: far beyond every published CLIP (ViT-bigG is 1664 wide with 48 layers and an MLP of
    // 8192; XLM-R's vocabulary is 250,002), small enough that no product of sizes the model allocates overflows.
    private static final int MAX_WIDTH = 16_384;
    private static final int MAX_MLP_WIDTH = 65_536;
    private static final int MAX_LAYERS = 256;
    private static final int MAX_VOCAB = 1 << 24;
    private static final int MAX_POSITIONS = 1 << 16;
    private static final int MAX_TYPE_VOCAB = 1024;

    public static AltClipConfig read(Path file) throws IOException {
        return parse(JsonFields.read(file));
    }

    /** The config in {@code bytes}, read from {@code file} by {@link JsonFields#readBytes}. */
    public static AltClipConfig parse(Path file, byte[] bytes) throws IOException {
        return parse(JsonFields.parse(file, bytes));
    }

    private static AltClipConfig parse(JsonFields root) throws IOException {
        JsonFields t = root.object("text_config");
        TextConfig text = new TextConfig(
                t.getInt("vocab_size", 250002, 1, MAX_VOCAB),
                t.getInt("hidden_size", 1024, 1, MAX_WIDTH),
                t.getInt("num_hidden_layers", 24, 1, MAX_LAYERS),
                t.getInt("num_attention_heads", 16, 1, MAX_WIDTH),
                t.getInt("intermediate_size", 4096, 1, MAX_MLP_WIDTH),
                t.getString("hidden_act", "gelu"),
                t.getInt("max_position_embeddings", 514, 1, MAX_POSITIONS),
                t.getInt("type_vocab_size", 1, 1, MAX_TYPE_VOCAB),
                (float) t.getDouble("layer_norm_eps", 1e-5),
                t.getInt("pad_token_id", 1),
                t.getInt("bos_token_id", 0),
                t.getInt("eos_token_id", 2),
                t.getInt("project_dim", 768, 1, MAX_WIDTH));
        JsonFields v = root.object("vision_config");
        VisionConfig vision = new VisionConfig(
                v.getInt("hidden_size", 768, 1, MAX_WIDTH),
                v.getInt("intermediate_size", 3072, 1, MAX_MLP_WIDTH),
                v.getInt("num_hidden_layers", 12, 1, MAX_LAYERS),
                v.getInt("num_attention_heads", 12, 1, MAX_WIDTH),
                v.getInt("num_channels", 3, 3, 3),
                v.getInt("image_size", 224, 1, PreprocessorConfig.MAX_SIDE),
                v.getInt("patch_size", 32, 1, PreprocessorConfig.MAX_SIDE),
                v.getString("hidden_act", "quick_gelu"),
                (float) v.getDouble("layer_norm_eps", 1e-5));
        if (text.hiddenSize() % text.numAttentionHeads() != 0)
            throw t.bad("num_attention_heads", "a divisor of hidden_size");
        if (vision.hiddenSize() % vision.numAttentionHeads() != 0)
            throw v.bad("num_attention_heads", "a divisor of hidden_size");
        if (vision.imageSize() < vision.patchSize()) throw v.bad("patch_size", "at most image_size");
        if (text.padTokenId() < 0 || text.padTokenId() >= text.vocabSize())
            throw t.bad("pad_token_id", "a token id below vocab_size");
        if (text.maxTokens() < 2)
            throw t.bad("max_position_embeddings", "at least pad_token_id + 3 (room for <s> and </s>)");
        if (!(text.layerNormEps() > 0 && text.layerNormEps() < 1)) throw t.bad("layer_norm_eps", "between 0 and 1");
        if (!(vision.layerNormEps() > 0 && vision.layerNormEps() < 1)) throw v.bad("layer_norm_eps", "between 0 and 1");
        return new AltClipConfig(
                text,
                vision,
                root.getInt("projection_dim", 768, 1, MAX_WIDTH),
                root.getDouble("logit_scale_init_value", 2.6592));
    }
}
