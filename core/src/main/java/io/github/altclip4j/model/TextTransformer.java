package io.github.altclip4j.model;

import io.github.altclip4j.tensor.Attention;
import io.github.altclip4j.tensor.EmbeddingTable;
import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.tensor.Ops;
import io.github.altclip4j.tensor.ThreadPool;
import io.github.altclip4j.weights.AltClipConfig.TextConfig;
import java.io.IOException;
import java.util.List;

/**
 * The text tower, {@code AltCLIPTextModel} in transformers' {@code models/altclip/modeling_altclip.py}: XLM-RoBERTa
 * embeddings ({@code AltRobertaEmbeddings}) and post-LN encoder layers, then AltCLIP's {@code pre_LN} and
 * {@code transformation} (a Linear to {@code project_dim}) on every token. The pooled output is the first token
 * ({@code <s>}) of that.
 */
public final class TextTransformer {
    private final TextConfig config;
    private final EmbeddingTable wordEmbeddings; // [vocab][hidden]
    private final FloatTensor positionEmbeddings; // [max_position_embeddings][hidden]
    private final FloatTensor tokenTypeEmbedding; // row 0 of token_type_embeddings: every token is type 0
    private final LayerNorm embeddingNorm;
    private final List<TextEncoderLayer> layers;
    private final LayerNorm preLayerNorm;
    private final Linear transformation;

    /** Per-token states after {@code transformation} ({@code [batch][seq][project_dim]}) and the pooled first token. */
    public record Output(FloatTensor lastHiddenState, FloatTensor pooled) {}

    private TextTransformer(
            TextConfig config,
            EmbeddingTable wordEmbeddings,
            FloatTensor positionEmbeddings,
            FloatTensor tokenTypeEmbedding,
            LayerNorm embeddingNorm,
            List<TextEncoderLayer> layers,
            LayerNorm preLayerNorm,
            Linear transformation) {
        this.config = config;
        this.wordEmbeddings = wordEmbeddings;
        this.positionEmbeddings = positionEmbeddings;
        this.tokenTypeEmbedding = tokenTypeEmbedding;
        this.embeddingNorm = embeddingNorm;
        this.layers = layers;
        this.preLayerNorm = preLayerNorm;
        this.transformation = transformation;
    }

    /** Binds {@code text_model}. */
    static TextTransformer load(Weights w, TextConfig c) throws IOException {
        int d = c.hiddenSize();
        float eps = c.layerNormEps();
        Weights roberta = w.at("roberta"), embeddings = roberta.at("embeddings");
        return new TextTransformer(
                c,
                embeddings.embedding("word_embeddings", c.vocabSize(), d),
                embeddings.floats("position_embeddings.weight", c.maxPositionEmbeddings(), d),
                embeddings
                        .floats("token_type_embeddings.weight", c.typeVocabSize(), d)
                        .slice(0, 1),
                embeddings.layerNorm("LayerNorm", d, eps),
                roberta.at("encoder").layers("layer", c.numHiddenLayers(), layer -> TextEncoderLayer.load(layer, c)),
                w.layerNorm("pre_LN", d, eps),
                w.linear("transformation", c.projectDim(), d));
    }

    public TextConfig config() {
        return config;
    }

    /**
     * @param inputIds      {@code [batch][seq]} XLM-R ids, padded with {@code pad_token_id}
     * @param attentionMask {@code [batch][seq]}: 1 for real tokens, 0 for padding
     */
    public Output forward(ThreadPool pool, int[][] inputIds, int[][] attentionMask) {
        return forward(pool, inputIds, attentionMask, null);
    }

    /**
     * The same, also adding to {@code hiddenStates} (unless null) a copy of the embeddings' output and of each
     * layer's output, {@code [batch][seq][hidden]} each: transformers' {@code output_hidden_states=True}.
     */
    public Output forward(ThreadPool pool, int[][] inputIds, int[][] attentionMask, List<FloatTensor> hiddenStates) {
        int batch = inputIds.length, seq = batch == 0 ? 0 : inputIds[0].length, d = config.hiddenSize();
        FloatTensor h = embeddings(pool, inputIds);
        float[] keyBias = keyBias(attentionMask, batch, seq);
        LayerBuffers buf = new LayerBuffers(batch * seq, d, config.intermediateSize());
        if (hiddenStates != null) hiddenStates.add(h.copy().reshape(batch, seq, d));
        for (TextEncoderLayer layer : layers) {
            layer.forward(pool, h, batch, seq, keyBias, buf);
            if (hiddenStates != null) hiddenStates.add(h.copy().reshape(batch, seq, d));
        }
        preLayerNorm.forward(pool, h, h);
        FloatTensor projected = transformation.forward(pool, h);
        return new Output(projected.reshape(batch, seq, config.projectDim()), Ops.firstTokens(projected, batch, seq));
    }

    /** The additive attention mask: 0 for a real token, {@link Attention#MASKED} for padding. */
    private static float[] keyBias(int[][] attentionMask, int batch, int seq) {
        float[] keyBias = new float[batch * seq];
        for (int b = 0; b < batch; b++) {
            if (attentionMask[b].length != seq) {
                throw new IllegalArgumentException(
                        "attention mask row " + b + " has length " + attentionMask[b].length);
            }
            for (int t = 0; t < seq; t++) keyBias[b * seq + t] = attentionMask[b][t] == 0 ? Attention.MASKED : 0f;
        }
        return keyBias;
    }

    /**
     * {@code LayerNorm(word[id] + token_type[0] + position[pos])} for every token, with transformers' RoBERTa
     * position ids: real tokens count up from {@code pad + 1}, padding gets {@code pad}.
     */
    FloatTensor embeddings(ThreadPool pool, int[][] inputIds) {
        int batch = inputIds.length, seq = batch == 0 ? 0 : inputIds[0].length;
        int d = config.hiddenSize(), pad = config.padTokenId();
        FloatTensor h = FloatTensor.zeros(batch * seq, d), positions = FloatTensor.zeros(batch * seq, d);
        for (int b = 0; b < batch; b++) {
            if (inputIds[b].length != seq) {
                throw new IllegalArgumentException(
                        "input ids row " + b + " has length " + inputIds[b].length + ", not " + seq);
            }
            int count = 0;
            for (int t = 0; t < seq; t++) {
                int id = inputIds[b][t], row = b * seq + t;
                if (id < 0 || id >= config.vocabSize()) {
                    throw new IllegalArgumentException("token id " + id + " at [" + b + "][" + t
                            + "] is outside the vocabulary of " + config.vocabSize());
                }
                int pos = id == pad ? pad : pad + ++count;
                if (pos >= config.maxPositionEmbeddings()) {
                    throw new IllegalArgumentException(
                            "text " + b + " is longer than the model's " + config.maxTokens() + " positions");
                }
                wordEmbeddings.row(id, h.data(), row * d);
                System.arraycopy(positionEmbeddings.data(), pos * d, positions.data(), row * d, d);
            }
        }
        Ops.addRows(pool, h, tokenTypeEmbedding);
        Ops.add(pool, h, positions);
        embeddingNorm.forward(pool, h, h);
        return h;
    }
}
