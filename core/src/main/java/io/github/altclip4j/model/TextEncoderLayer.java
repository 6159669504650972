package io.github.altclip4j.model;

import io.github.altclip4j.tensor.Activation;
import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.tensor.ThreadPool;
import io.github.altclip4j.weights.AltClipConfig.TextConfig;
import io.github.altclip4j.weights.WeightBinder;
import java.io.IOException;
import java.util.List;

/**
 * One post-LN layer of XLM-RoBERTa ({@code RobertaLayer}):
 * <pre>
 *   h = LayerNorm(h + dense(attention(h)))            attention.output
 *   h = LayerNorm(h + dense(gelu(dense(h))))          intermediate, output
 * </pre>
 */
final class TextEncoderLayer {
    private final SelfAttention attention;
    private final Linear attentionOutput;
    private final LayerNorm attentionNorm;
    private final Linear intermediate;
    private final Activation act;
    private final Linear output;
    private final LayerNorm outputNorm;

    private TextEncoderLayer(SelfAttention attention, Linear attentionOutput, LayerNorm attentionNorm,
                             Linear intermediate, Activation act, Linear output, LayerNorm outputNorm) {
        this.attention = attention;
        this.attentionOutput = attentionOutput;
        this.attentionNorm = attentionNorm;
        this.intermediate = intermediate;
        this.act = act;
        this.output = output;
        this.outputNorm = outputNorm;
    }

    /** Binds {@code text_model.roberta.encoder.layer.<i>.*}. */
    static TextEncoderLayer load(WeightBinder w, int i, TextConfig c) throws IOException {
        String p = "text_model.roberta.encoder.layer." + i + ".";
        int d = c.hiddenSize(), ff = c.intermediateSize();
        float eps = c.layerNormEps();
        List<String> qkv = List.of(p + "attention.self.query", p + "attention.self.key", p + "attention.self.value");
        return new TextEncoderLayer(
                new SelfAttention(new Linear(
                        w.stackedLinear(qkv.stream().map(s -> s + ".weight").toList(), d, d),
                        w.stackedVector(qkv.stream().map(s -> s + ".bias").toList(), d)), c.numAttentionHeads(), c.headDim()),
                new Linear(w.linear(p + "attention.output.dense.weight", d, d), w.vector(p + "attention.output.dense.bias", d)),
                new LayerNorm(w.vector(p + "attention.output.LayerNorm.weight", d), w.vector(p + "attention.output.LayerNorm.bias", d), eps),
                new Linear(w.linear(p + "intermediate.dense.weight", ff, d), w.vector(p + "intermediate.dense.bias", ff)),
                Activation.forHiddenAct(c.hiddenAct(), "text_config"),
                new Linear(w.linear(p + "output.dense.weight", d, ff), w.vector(p + "output.dense.bias", d)),
                new LayerNorm(w.vector(p + "output.LayerNorm.weight", d), w.vector(p + "output.LayerNorm.bias", d), eps));
    }

    /**
     * Updates {@code h} ({@code [batch*seq][hidden]}) in place; {@code keyBias} masks padding, {@code buf} holds
     * the intermediates.
     */
    void forward(ThreadPool pool, FloatTensor h, int batch, int seq, float[] keyBias, LayerBuffers buf) {
        FloatTensor a = buf.x;
        FloatTensor context = attention.apply(pool, h, batch, seq, keyBias, buf);
        attentionOutput.apply(pool, context, Activation.NONE, h, a);          // a = dense(attention(h)) + h
        attentionNorm.apply(pool, a, a);                                       // a = LayerNorm(a)
        intermediate.apply(pool, a, act, null, buf.mlp);                       // m = gelu(dense(a))
        output.apply(pool, buf.mlp, Activation.NONE, a, h);                   // h = dense(m) + a
        outputNorm.apply(pool, h, h);                                          // h = LayerNorm(h)
    }
}
