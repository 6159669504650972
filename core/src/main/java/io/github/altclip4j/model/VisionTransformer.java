package io.github.altclip4j.model;

import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.tensor.Gemm;
import io.github.altclip4j.tensor.Ops;
import io.github.altclip4j.tensor.PackedMatrix;
import io.github.altclip4j.tensor.ThreadPool;
import io.github.altclip4j.weights.AltClipConfig.VisionConfig;
import io.github.altclip4j.weights.WeightBinder;
import java.io.IOException;
import java.util.List;

/**
 * The image tower, a CLIP ViT ({@code CLIPVisionTransformer}): cut the image into patches and embed each with one
 * linear map (the stride = kernel convolution), put a learned class token in front, add position embeddings,
 * LayerNorm, run the encoder layers, and take the class token's final state through {@code post_layernorm}.
 */
public final class VisionTransformer {
    private final VisionConfig config;
    private final PackedMatrix patchEmbedding;     // conv weight [hidden][channels * patch * patch]
    private final float[] classEmbedding;          // [hidden]
    private final FloatTensor positionEmbedding;   // [1 + patches][hidden]
    private final LayerNorm preLayerNorm, postLayerNorm;
    private final List<VisionEncoderLayer> layers;

    /** The encoder's output for every token, and the pooled (post-LN class token) output. */
    public record Output(FloatTensor lastHiddenState, FloatTensor pooled) {}

    private VisionTransformer(VisionConfig config, PackedMatrix patchEmbedding, float[] classEmbedding, FloatTensor positionEmbedding,
                              LayerNorm preLayerNorm, List<VisionEncoderLayer> layers, LayerNorm postLayerNorm) {
        this.config = config;
        this.patchEmbedding = patchEmbedding;
        this.classEmbedding = classEmbedding;
        this.positionEmbedding = positionEmbedding;
        this.preLayerNorm = preLayerNorm;
        this.layers = layers;
        this.postLayerNorm = postLayerNorm;
    }

    static VisionTransformer load(WeightBinder w, VisionConfig c) throws IOException {
        int d = c.hiddenSize(), p = c.patchSize();
        float eps = c.layerNormEps();
        List<VisionEncoderLayer> layers = w.layers(c.numHiddenLayers(), i -> VisionEncoderLayer.load(w, i, c));
        return new VisionTransformer(c,
                w.linear("vision_model.embeddings.patch_embedding.weight", d, c.numChannels(), p, p),
                w.vector("vision_model.embeddings.class_embedding", d),
                w.floats("vision_model.embeddings.position_embedding.weight", c.numPositions(), d),
                new LayerNorm(w.vector("vision_model.pre_layrnorm.weight", d), w.vector("vision_model.pre_layrnorm.bias", d), eps),
                layers,
                new LayerNorm(w.vector("vision_model.post_layernorm.weight", d), w.vector("vision_model.post_layernorm.bias", d), eps));
    }

    public VisionConfig config() { return config; }

    /** {@code pixelValues}: {@code [batch][channels][imageSize][imageSize]}, as the image processor makes them. */
    public Output forward(ThreadPool pool, FloatTensor pixelValues) {
        FloatTensor h = embeddings(pool, pixelValues);
        preLayerNorm.apply(pool, h, h);
        int batch = pixelValues.dim(0), seq = config.numPositions();
        LayerBuffers buf = new LayerBuffers(batch * seq, config.hiddenSize(), config.intermediateSize());
        for (VisionEncoderLayer layer : layers) layer.forward(pool, h, batch, seq, buf);
        FloatTensor pooled = postLayerNorm.apply(pool, classTokens(h, batch, seq));
        return new Output(h.reshape(batch, seq, config.hiddenSize()), pooled);
    }

    /** {@code [batch*(1+patches)][hidden]}: class token then patch embeddings, plus position embeddings. */
    FloatTensor embeddings(ThreadPool pool, FloatTensor pixelValues) {
        int size = config.imageSize(), channels = config.numChannels();
        if (pixelValues.rank() != 4 || pixelValues.dim(1) != channels || pixelValues.dim(2) != size || pixelValues.dim(3) != size) {
            throw new IllegalArgumentException("pixel values " + pixelValues + " must be [batch][" + channels + "][" + size + "][" + size + "]");
        }
        int batch = pixelValues.dim(0), d = config.hiddenSize(), seq = config.numPositions(), patches = seq - 1;
        FloatTensor patchEmbeds = Gemm.linear(pool, Ops.patches(pixelValues, config.patchSize()), patchEmbedding, null);
        FloatTensor h = FloatTensor.zeros(batch * seq, d);
        for (int b = 0; b < batch; b++) {
            System.arraycopy(classEmbedding, 0, h.data(), b * seq * d, d);
            System.arraycopy(patchEmbeds.data(), b * patches * d, h.data(), (b * seq + 1) * d, patches * d);
        }
        Ops.addRows(pool, h, positionEmbedding);
        return h;
    }

    private FloatTensor classTokens(FloatTensor h, int batch, int seq) {
        int d = config.hiddenSize();
        FloatTensor out = FloatTensor.zeros(batch, d);
        for (int b = 0; b < batch; b++) System.arraycopy(h.data(), b * seq * d, out.data(), b * d, d);
        return out;
    }
}
