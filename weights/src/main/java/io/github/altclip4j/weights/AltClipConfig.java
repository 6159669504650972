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
    public record TextConfig(int vocabSize, int hiddenSize, int numHiddenLayers, int numAttentionHeads,
                             int intermediateSize, String hiddenAct, int maxPositionEmbeddings, int typeVocabSize,
                             float layerNormEps, int padTokenId, int bosTokenId, int eosTokenId, int projectDim) {
        public int headDim() { return hiddenSize / numAttentionHeads; }

        /**
         * The longest input the position embeddings cover, {@code <s>} and {@code </s>} included: RoBERTa's positions
         * start after the padding id ({@code pad + 1} for the first real token), so {@code max_position_embeddings - pad - 1}.
         */
        public int maxTokens() { return maxPositionEmbeddings - padTokenId - 1; }
    }

    /** {@code vision_config}: the CLIP ViT. */
    public record VisionConfig(int hiddenSize, int intermediateSize, int numHiddenLayers, int numAttentionHeads,
                               int numChannels, int imageSize, int patchSize, String hiddenAct, float layerNormEps) {
        public int headDim() { return hiddenSize / numAttentionHeads; }

        /** Patches per image plus the class token. */
        public int numPositions() { return (imageSize / patchSize) * (imageSize / patchSize) + 1; }
    }

    public static AltClipConfig read(Path file) throws IOException {
        JsonFields root = JsonFields.read(file);
        JsonFields t = root.object("text_config");
        TextConfig text = new TextConfig(
                t.getPositiveInt("vocab_size", 250002),
                t.getPositiveInt("hidden_size", 1024),
                t.getPositiveInt("num_hidden_layers", 24),
                t.getPositiveInt("num_attention_heads", 16),
                t.getPositiveInt("intermediate_size", 4096),
                t.getString("hidden_act", "gelu"),
                t.getPositiveInt("max_position_embeddings", 514),
                t.getPositiveInt("type_vocab_size", 1),
                (float) t.getDouble("layer_norm_eps", 1e-5),
                t.getInt("pad_token_id", 1),
                t.getInt("bos_token_id", 0),
                t.getInt("eos_token_id", 2),
                t.getPositiveInt("project_dim", 768));
        JsonFields v = root.object("vision_config");
        VisionConfig vision = new VisionConfig(
                v.getPositiveInt("hidden_size", 768),
                v.getPositiveInt("intermediate_size", 3072),
                v.getPositiveInt("num_hidden_layers", 12),
                v.getPositiveInt("num_attention_heads", 12),
                v.getPositiveInt("num_channels", 3),
                v.getPositiveInt("image_size", 224),
                v.getPositiveInt("patch_size", 32),
                v.getString("hidden_act", "quick_gelu"),
                (float) v.getDouble("layer_norm_eps", 1e-5));
        if (text.hiddenSize() % text.numAttentionHeads() != 0) throw t.bad("num_attention_heads", "a divisor of hidden_size");
        if (vision.hiddenSize() % vision.numAttentionHeads() != 0) throw v.bad("num_attention_heads", "a divisor of hidden_size");
        if (vision.imageSize() < vision.patchSize()) throw v.bad("patch_size", "at most image_size");
        if (text.padTokenId() < 0 || text.padTokenId() >= text.vocabSize()) throw t.bad("pad_token_id", "a token id below vocab_size");
        return new AltClipConfig(text, vision, root.getPositiveInt("projection_dim", 768),
                root.getDouble("logit_scale_init_value", 2.6592));
    }
}
