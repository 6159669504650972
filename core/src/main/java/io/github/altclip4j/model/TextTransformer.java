package io.github.altclip4j.model;

import io.github.altclip4j.tensor.Attention;
import io.github.altclip4j.tensor.EmbeddingTable;
import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.tensor.Ops;
import io.github.altclip4j.tensor.ThreadPool;
import io.github.altclip4j.weights.AltClipConfig.TextConfig;
import io.github.altclip4j.weights.WeightBinder;
import java.io.IOException;
import java.util.List;

/**
 * The text tower ({@code AltCLIPTextModel}): XLM-RoBERTa embeddings and post-LN encoder layers, then AltCLIP's
 * {@code pre_LN} and {@code transformation} (a Linear to {@code project_dim}) on every token. The pooled output is
 * the first token ({@code <s>}) of that.
 */
public final class TextTransformer {
    private final TextConfig config;
    private final EmbeddingTable wordEmbeddings;    // [vocab][hidden]
    private final FloatTensor positionEmbeddings;   // [max_position_embeddings][hidden]
    private final FloatTensor tokenTypeEmbedding;   // row 0 of token_type_embeddings: every token is type 0
    private final LayerNorm embeddingNorm;
    private final List<TextEncoderLayer> layers;
    private final LayerNorm preLN;
    private final Linear transformation;

    /** Per-token states after {@code transformation} ({@code [batch][seq][project_dim]}) and the pooled first token. */
    public record Output(FloatTensor lastHiddenState, FloatTensor pooled) {}

    private TextTransformer(TextConfig config, EmbeddingTable wordEmbeddings, FloatTensor positionEmbeddings,
                            FloatTensor tokenTypeEmbedding, LayerNorm embeddingNorm, List<TextEncoderLayer> layers,
                            LayerNorm preLN, Linear transformation) {
        this.config = config;
        this.wordEmbeddings = wordEmbeddings;
        this.positionEmbeddings = positionEmbeddings;
        this.tokenTypeEmbedding = tokenTypeEmbedding;
        this.embeddingNorm = embeddingNorm;
        this.layers = layers;
        this.preLN = preLN;
        this.transformation = transformation;
    }

    static TextTransformer load(WeightBinder w, TextConfig c) throws IOException {
        String e = "text_model.roberta.embeddings.";
        int d = c.hiddenSize();
        List<TextEncoderLayer> layers = w.layers(c.numHiddenLayers(), i -> TextEncoderLayer.load(w, i, c));
        return new TextTransformer(c,
                w.embedding(e + "word_embeddings.weight", c.vocabSize(), d),
                w.floats(e + "position_embeddings.weight", c.maxPositionEmbeddings(), d),
                w.floats(e + "token_type_embeddings.weight", c.typeVocabSize(), d).slice(0, 1),
                new LayerNorm(w.vector(e + "LayerNorm.weight", d), w.vector(e + "LayerNorm.bias", d), c.layerNormEps()),
                layers,
                new LayerNorm(w.vector("text_model.pre_LN.weight", d), w.vector("text_model.pre_LN.bias", d), c.layerNormEps()),
                new Linear(w.linear("text_model.transformation.weight", c.projectDim(), d), w.vector("text_model.transformation.bias", c.projectDim())));
    }

    public TextConfig config() { return config; }

    /**
     * @param inputIds      {@code [batch][seq]} XLM-R ids, padded with {@code pad_token_id}
     * @param attentionMask {@code [batch][seq]}: 1 for real tokens, 0 for padding
     */
    public Output forward(ThreadPool pool, int[][] inputIds, int[][] attentionMask) {
        int batch = inputIds.length, seq = batch == 0 ? 0 : inputIds[0].length;
        FloatTensor h = embeddings(pool, inputIds);
        float[] keyBias = new float[batch * seq];
        for (int b = 0; b < batch; b++) {
            if (attentionMask[b].length != seq) throw new IllegalArgumentException("attention mask row " + b + " has length " + attentionMask[b].length);
            for (int t = 0; t < seq; t++) keyBias[b * seq + t] = attentionMask[b][t] == 0 ? Attention.MASKED : 0f;
        }
        LayerBuffers buf = new LayerBuffers(batch * seq, config.hiddenSize(), config.intermediateSize());
        for (TextEncoderLayer layer : layers) layer.forward(pool, h, batch, seq, keyBias, buf);
        preLN.apply(pool, h, h);
        FloatTensor projected = transformation.apply(pool, h);
        int pd = config.projectDim();
        FloatTensor pooled = FloatTensor.zeros(batch, pd);
        for (int b = 0; b < batch; b++) System.arraycopy(projected.data(), b * seq * pd, pooled.data(), b * pd, pd);
        return new Output(projected.reshape(batch, seq, pd), pooled);
    }

    /**
     * {@code LayerNorm(word[id] + token_type[0] + position[pos])} for every token, with transformers' RoBERTa
     * position ids: real tokens count up from {@code pad + 1}, padding gets {@code pad}.
     */
    FloatTensor embeddings(ThreadPool pool, int[][] inputIds) {
        int batch = inputIds.length, seq = batch == 0 ? 0 : inputIds[0].length, d = config.hiddenSize(), pad = config.padTokenId();
        FloatTensor h = FloatTensor.zeros(batch * seq, d), positions = FloatTensor.zeros(batch * seq, d);
        for (int b = 0; b < batch; b++) {
            if (inputIds[b].length != seq) throw new IllegalArgumentException("input ids row " + b + " has length " + inputIds[b].length + ", not " + seq);
            int count = 0;
            for (int t = 0; t < seq; t++) {
                int id = inputIds[b][t], row = b * seq + t;
                if (id < 0 || id >= config.vocabSize()) {
                    throw new IllegalArgumentException("token id " + id + " at [" + b + "][" + t + "] is outside the vocabulary of " + config.vocabSize());
                }
                int pos = id == pad ? pad : pad + ++count;
                if (pos >= config.maxPositionEmbeddings()) {
                    throw new IllegalArgumentException("text " + b + " is longer than the model's " + config.maxTokens() + " positions");
                }
                wordEmbeddings.row(id, h.data(), row * d);
                System.arraycopy(positionEmbeddings.data(), pos * d, positions.data(), row * d, d);
            }
        }
        Ops.addRows(pool, h, tokenTypeEmbedding);
        Ops.add(pool, h, positions);
        embeddingNorm.apply(pool, h, h);
        return h;
    }
}
