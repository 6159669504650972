package io.github.altclip4j.model;

import io.github.altclip4j.tensor.Activation;
import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.tensor.ThreadPool;
import io.github.altclip4j.weights.AltClipConfig.VisionConfig;
import java.io.IOException;

/**
 * One pre-LN transformer layer of the CLIP ViT, {@code CLIPEncoderLayer} in transformers'
 * {@code models/clip/modeling_clip.py} (AltCLIP's vision tower is CLIP's, {@code AltCLIPEncoderLayer}):
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

    private VisionEncoderLayer(
            LayerNorm layerNorm1,
            SelfAttention selfAttn,
            Linear outProj,
            LayerNorm layerNorm2,
            Linear fc1,
            Activation act,
            Linear fc2) {
        this.layerNorm1 = layerNorm1;
        this.selfAttn = selfAttn;
        this.outProj = outProj;
        this.layerNorm2 = layerNorm2;
        this.fc1 = fc1;
        this.act = act;
        this.fc2 = fc2;
    }

    /** Binds one {@code vision_model.encoder.layers.<i>}. */
    static VisionEncoderLayer load(Weights w, VisionConfig c) throws IOException {
        int d = c.hiddenSize(), ff = c.intermediateSize();
        float eps = c.layerNormEps();
        Weights attn = w.at("self_attn");
        return new VisionEncoderLayer(
                w.layerNorm("layer_norm1", d, eps),
                SelfAttention.load(attn, "q_proj", "k_proj", "v_proj", d, c.numAttentionHeads()),
                attn.linear("out_proj", d, d),
                w.layerNorm("layer_norm2", d, eps),
                w.at("mlp").linear("fc1", ff, d),
                Activation.forHiddenAct(c.hiddenAct(), "vision_config"),
                w.at("mlp").linear("fc2", d, ff));
    }

    // spotless:off: the maths in the aligned comments
    /** Updates {@code h} ({@code [batch*seq][hidden]}) in place; {@code buf} holds the intermediates. */
    void forward(ThreadPool pool, FloatTensor h, int batch, int seq, LayerBuffers buf) {
        FloatTensor x = buf.normed, mlp = buf.mlp;
        layerNorm1.forward(pool, h, x);                                       // x = layer_norm1(h)
        FloatTensor context = selfAttn.forward(pool, x, batch, seq, null, buf);
        outProj.addTo(pool, context, h);                                      // h = h + out_proj(attention(x))
        layerNorm2.forward(pool, h, x);                                       // x = layer_norm2(h)
        fc1.forward(pool, x, act, mlp);                                       // m = act(fc1(x))
        fc2.addTo(pool, mlp, h);                                              // h = h + fc2(m)
    }
    // spotless:on
}
