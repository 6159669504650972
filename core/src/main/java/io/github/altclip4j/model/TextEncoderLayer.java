package io.github.altclip4j.model;

import io.github.altclip4j.tensor.Activation;
import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.tensor.ThreadPool;
import io.github.altclip4j.weights.AltClipConfig.TextConfig;
import java.io.IOException;

/**
 * One post-LN layer of XLM-RoBERTa, {@code AltRobertaLayer} in transformers' {@code models/altclip/modeling_altclip.py}
 * (a copy of {@code RobertaLayer}):
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

    private TextEncoderLayer(
            SelfAttention attention,
            Linear attentionOutput,
            LayerNorm attentionNorm,
            Linear intermediate,
            Activation act,
            Linear output,
            LayerNorm outputNorm) {
        this.attention = attention;
        this.attentionOutput = attentionOutput;
        this.attentionNorm = attentionNorm;
        this.intermediate = intermediate;
        this.act = act;
        this.output = output;
        this.outputNorm = outputNorm;
    }

    /** Binds one {@code text_model.roberta.encoder.layer.<i>}. */
    static TextEncoderLayer load(Weights w, TextConfig c) throws IOException {
        int d = c.hiddenSize(), ff = c.intermediateSize();
        float eps = c.layerNormEps();
        Weights attn = w.at("attention");
        return new TextEncoderLayer(
                SelfAttention.load(attn.at("self"), "query", "key", "value", d, c.numAttentionHeads()),
                attn.at("output").linear("dense", d, d),
                attn.at("output").layerNorm("LayerNorm", d, eps),
                w.at("intermediate").linear("dense", ff, d),
                Activation.forHiddenAct(c.hiddenAct(), "text_config"),
                w.at("output").linear("dense", d, ff),
                w.at("output").layerNorm("LayerNorm", d, eps));
    }

    // spotless:off: the maths in the aligned comments
    /**
     * Updates {@code h} ({@code [batch*seq][hidden]}) in place; {@code keyBias} masks padding, {@code buf} holds
     * the intermediates.
     */
    void forward(ThreadPool pool, FloatTensor h, int batch, int seq, float[] keyBias, LayerBuffers buf) {
        FloatTensor a = buf.normed, mlp = buf.mlp;
        FloatTensor context = attention.forward(pool, h, batch, seq, keyBias, buf);
        attentionOutput.addTo(pool, context, h, a);                           // a = h + dense(attention(h))
        attentionNorm.forward(pool, a, a);                                    // a = LayerNorm(a)
        intermediate.forward(pool, a, act, mlp);                              // m = gelu(dense(a))
        output.addTo(pool, mlp, a, h);                                        // h = a + dense(m)
        outputNorm.forward(pool, h, h);                                       // h = LayerNorm(h)
    }
    // spotless:on
}
