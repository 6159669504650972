package io.github.altclip4j.model;

import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.tensor.Ops;
import io.github.altclip4j.tensor.ThreadPool;
import io.github.altclip4j.weights.AltClipConfig.VisionConfig;
import java.io.IOException;
import java.util.List;

/**
 * The image tower, a CLIP ViT ({@code CLIPVisionTransformer} and {@code CLIPVisionEmbeddings} in transformers'
 * {@code models/clip/modeling_clip.py}): cut the image into patches and embed each with one linear map (the
 * stride = kernel convolution), put a learned class token in front, add position embeddings, LayerNorm, run the
 * encoder layers, and take the class token's final state through {@code post_layernorm}.
 */
public final class VisionTransformer {
    private final VisionConfig config;
    private final Linear patchEmbedding; // the conv as a linear map: [hidden][channels * patch * patch]
    private final float[] classEmbedding; // [hidden]
    private final FloatTensor positionEmbedding; // [1 + patches][hidden]
    private final LayerNorm preLayerNorm, postLayerNorm;
    private final List<VisionEncoderLayer> layers;

    /** The encoder's output for every token, and the pooled (post-LN class token) output. */
    public record Output(FloatTensor lastHiddenState, FloatTensor pooled) {}

    private VisionTransformer(
            VisionConfig config,
            Linear patchEmbedding,
            float[] classEmbedding,
            FloatTensor positionEmbedding,
            LayerNorm preLayerNorm,
            List<VisionEncoderLayer> layers,
            LayerNorm postLayerNorm) {
        this.config = config;
        this.patchEmbedding = patchEmbedding;
        this.classEmbedding = classEmbedding;
        this.positionEmbedding = positionEmbedding;
        this.preLayerNorm = preLayerNorm;
        this.layers = layers;
        this.postLayerNorm = postLayerNorm;
    }

    /** Binds {@code vision_model}. */
    static VisionTransformer load(Weights w, VisionConfig c) throws IOException {
        int d = c.hiddenSize(), p = c.patchSize();
        float eps = c.layerNormEps();
        Weights embeddings = w.at("embeddings");
        return new VisionTransformer(
                c,
                embeddings.linearWithoutBias("patch_embedding", d, c.numChannels(), p, p),
                embeddings.vector("class_embedding", d),
                embeddings.floats("position_embedding.weight", c.numPositions(), d),
                w.layerNorm("pre_layrnorm", d, eps), // sic: the checkpoint's spelling
                w.at("encoder").layers("layers", c.numHiddenLayers(), layer -> VisionEncoderLayer.load(layer, c)),
                w.layerNorm("post_layernorm", d, eps));
    }

    public VisionConfig config() {
        return config;
    }

    /** {@code pixelValues}: {@code [batch][channels][imageSize][imageSize]}, as the image processor makes them. */
    public Output forward(ThreadPool pool, FloatTensor pixelValues) {
        return forward(pool, pixelValues, null);
    }

    /**
     * The same, also adding to {@code hiddenStates} (unless null) a copy of the encoder's input and of each layer's
     * output, {@code [batch][seq][hidden]} each: transformers' {@code output_hidden_states=True}.
     */
    public Output forward(ThreadPool pool, FloatTensor pixelValues, List<FloatTensor> hiddenStates) {
        FloatTensor h = embeddings(pool, pixelValues); // checks the shape
        int batch = pixelValues.dim(0), seq = config.numPositions(), d = config.hiddenSize();
        preLayerNorm.forward(pool, h, h);
        LayerBuffers buf = new LayerBuffers(batch * seq, d, config.intermediateSize());
        if (hiddenStates != null) hiddenStates.add(h.copy().reshape(batch, seq, d));
        for (VisionEncoderLayer layer : layers) {
            layer.forward(pool, h, batch, seq, buf);
            if (hiddenStates != null) hiddenStates.add(h.copy().reshape(batch, seq, d));
        }
        FloatTensor pooled = postLayerNorm.forward(pool, Ops.firstTokens(h, batch, seq));
        return new Output(h.reshape(batch, seq, config.hiddenSize()), pooled);
    }

    /** {@code [batch*(1+patches)][hidden]}: class token then patch embeddings, plus position embeddings. */
    FloatTensor embeddings(ThreadPool pool, FloatTensor pixelValues) {
        int size = config.imageSize(), channels = config.numChannels();
        if (pixelValues.rank() != 4
                || pixelValues.dim(1) != channels
                || pixelValues.dim(2) != size
                || pixelValues.dim(3) != size) {
            throw new IllegalArgumentException(
                    "pixel values " + pixelValues + " must be [batch][" + channels + "][" + size + "][" + size + "]");
        }
        int batch = pixelValues.dim(0), d = config.hiddenSize(), seq = config.numPositions(), patches = seq - 1;
        FloatTensor patchEmbeds = patchEmbedding.forward(pool, Ops.patches(pixelValues, config.patchSize()));
        FloatTensor h = FloatTensor.zeros(batch * seq, d);
        for (int b = 0; b < batch; b++) {
            System.arraycopy(classEmbedding, 0, h.data(), b * seq * d, d);
            System.arraycopy(patchEmbeds.data(), b * patches * d, h.data(), (b * seq + 1) * d, patches * d);
        }
        Ops.addRows(pool, h, positionEmbedding);
        return h;
    }
}
