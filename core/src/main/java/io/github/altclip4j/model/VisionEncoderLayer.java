package io.github.altclip4j.model;

import io.github.altclip4j.tensor.Activation;
import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.tensor.ThreadPool;
import io.github.altclip4j.weights.AltClipConfig.VisionConfig;
import io.github.altclip4j.weights.WeightBinder;
import java.io.IOException;
import java.util.List;

/**
 * One pre-LN transformer layer of the CLIP ViT ({@code CLIPEncoderLayer}):
 * <pre>
 *   h = h + out_proj(attention(layer_norm1(h)))
 *   h = h + fc2(act(fc1(layer_norm2(h))))
 * </pre>
 */
final class VisionEncoderLayer {
    private final LayerNorm layerNorm1, layerNorm2;
    private final SelfAttention selfAttn;
    private final Linear outProj, fc1, fc2;
    private final Activation act;

    private VisionEncoderLayer(LayerNorm layerNorm1, SelfAttention selfAttn, Linear outProj,
                               LayerNorm layerNorm2, Linear fc1, Activation act, Linear fc2) {
        this.layerNorm1 = layerNorm1;
        this.selfAttn = selfAttn;
        this.outProj = outProj;
        this.layerNorm2 = layerNorm2;
        this.fc1 = fc1;
        this.act = act;
        this.fc2 = fc2;
    }

    /** Binds {@code vision_model.encoder.layers.<i>.*}. */
    static VisionEncoderLayer load(WeightBinder w, int i, VisionConfig c) throws IOException {
        String p = "vision_model.encoder.layers." + i + ".";
        int d = c.hiddenSize(), ff = c.intermediateSize();
        float eps = c.layerNormEps();
        List<String> qkv = List.of(p + "self_attn.q_proj", p + "self_attn.k_proj", p + "self_attn.v_proj");
        return new VisionEncoderLayer(
                new LayerNorm(w.vector(p + "layer_norm1.weight", d), w.vector(p + "layer_norm1.bias", d), eps),
                new SelfAttention(new Linear(
                        w.stackedLinear(qkv.stream().map(s -> s + ".weight").toList(), d, d),
                        w.stackedVector(qkv.stream().map(s -> s + ".bias").toList(), d)), c.numAttentionHeads(), c.headDim()),
                new Linear(w.linear(p + "self_attn.out_proj.weight", d, d), w.vector(p + "self_attn.out_proj.bias", d)),
                new LayerNorm(w.vector(p + "layer_norm2.weight", d), w.vector(p + "layer_norm2.bias", d), eps),
                new Linear(w.linear(p + "mlp.fc1.weight", ff, d), w.vector(p + "mlp.fc1.bias", ff)),
                Activation.forHiddenAct(c.hiddenAct(), "vision_config"),
                new Linear(w.linear(p + "mlp.fc2.weight", d, ff), w.vector(p + "mlp.fc2.bias", d)));
    }

    /** Updates {@code h} ({@code [batch*seq][hidden]}) in place; {@code buf} holds the intermediates. */
    void forward(ThreadPool pool, FloatTensor h, int batch, int seq, LayerBuffers buf) {
        FloatTensor x = buf.x;
        layerNorm1.apply(pool, h, x);                                          // x = layer_norm1(h)
        FloatTensor context = selfAttn.apply(pool, x, batch, seq, null, buf);
        outProj.apply(pool, context, Activation.NONE, h, h);                  // h = h + out_proj(attention(x))
        layerNorm2.apply(pool, h, x);                                          // x = layer_norm2(h)
        fc1.apply(pool, x, act, null, buf.mlp);                                // m = act(fc1(x))
        fc2.apply(pool, buf.mlp, Activation.NONE, h, h);                      // h = h + fc2(m)
    }
}
