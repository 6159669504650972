package io.github.altclip4j.model;

import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.tensor.Gemm;
import io.github.altclip4j.tensor.Ops;
import io.github.altclip4j.tensor.ThreadPool;
import io.github.altclip4j.tensor.Warmup;
import io.github.altclip4j.weights.AltClipConfig;
import io.github.altclip4j.weights.Checkpoint;
import io.github.altclip4j.weights.WeightBinder;
import io.github.altclip4j.weights.WeightFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * AltCLIP ({@code AltCLIPModel} in transformers' {@code models/altclip/modeling_altclip.py}): the two towers, the
 * projections into the shared space, and the learned temperature. Immutable after loading, so one instance can serve
 * many threads.
 */
public final class AltClipModel {
    private final AltClipConfig config;
    private final VisionTransformer vision;
    private final TextTransformer text;
    private final Linear visualProjection, textProjection; // no bias
    private final float logitScale;
    /** Whether the GEMM weights and embedding tables are read from a mapped pre-packed file (JDK 22+), not the heap. */
    private final boolean mapped;

    /** Features before normalisation (as {@code get_*_features}), the tower outputs they came from. */
    public record TextFeatures(TextTransformer.Output tower, FloatTensor features) {}

    public record ImageFeatures(VisionTransformer.Output tower, FloatTensor features) {}

    private AltClipModel(
            AltClipConfig config,
            VisionTransformer vision,
            TextTransformer text,
            Linear visualProjection,
            Linear textProjection,
            float logitScale,
            boolean mapped) {
        this.config = config;
        this.vision = vision;
        this.text = text;
        this.visualProjection = visualProjection;
        this.textProjection = textProjection;
        this.logitScale = logitScale;
        this.mapped = mapped;
    }

    /**
     * Loads {@code config.json} and the weights ({@code model.safetensors} or {@code pytorch_model.bin}) of a model
     * folder, holding the GEMM weights in {@code format}. Unused checkpoint tensors are reported to
     * {@code warn} (the {@code position_ids} buffers of older checkpoints are expected and not reported).
     */
    public static AltClipModel load(Path folder, WeightFormat format, Consumer<String> warn) throws IOException {
        return load(folder, format, warn, WeightBinder.Progress.NONE);
    }

    /**
     * The same, reporting the bytes bound so far to {@code progress}. Before anything is allocated the weights' size in
     * {@code format} is checked against the heap the JVM may still grow to: too little gives a
     * {@link NotEnoughMemoryException} that says how much is needed, not an {@link OutOfMemoryError} half-way.
     */
    public static AltClipModel load(
            Path folder, WeightFormat format, Consumer<String> warn, WeightBinder.Progress progress)
            throws IOException {
        return load(ModelFolder.open(folder), format, Towers.BOTH, warn, progress);
    }

    /**
     * The same for a folder already opened, with only {@code towers}: the other tower's weights are not read, and
     * asking it for features is an {@link IllegalStateException} that says so.
     */
    public static AltClipModel load(
            ModelFolder folder,
            WeightFormat format,
            Towers towers,
            Consumer<String> warn,
            WeightBinder.Progress progress)
            throws IOException {
        return load(folder, format, towers, warn, progress, null);
    }

    /**
     * The checkpoint tensors that {@link WeightFormat#INT8} quantises (GEMM weights and the word embeddings), found by
     * binding the model: what {@code altclip convert --dtype int8} stores as int8.
     */
    public static List<String> int8Tensors(Path folder) throws IOException {
        List<String> names = new ArrayList<>();
        load(ModelFolder.open(folder), WeightFormat.INT8, Towers.BOTH, w -> {}, WeightBinder.Progress.NONE, names);
        return names;
    }

    private static AltClipModel load(
            ModelFolder folder,
            WeightFormat format,
            Towers towers,
            Consumer<String> warn,
            WeightBinder.Progress progress,
            List<String> quantizable)
            throws IOException {
        AltClipConfig config = folder.config();
        try (Checkpoint checkpoint = Checkpoint.open(folder.checkpoint());
                WeightBinder w = new WeightBinder(
                        checkpoint, format, name -> name.endsWith(".position_ids") || towers.skips(name), progress)) {
            if (quantizable == null) w.usePackedWeightsFile(warn); // JDK 22+: mapped (written first if need be)
            NotEnoughMemoryException.check(folder.dir(), format, w.estimatedBytes());
            Warmup.startOnce(
                    w.isMapped(),
                    w.typeOf(
                            towers.image()
                                    ? "vision_model.encoder.layers.0.mlp.fc1.weight"
                                    : "text_model.encoder.layer.0.intermediate.dense.weight")); // JIT on the other core
            Weights root = Weights.of(w);
            int proj = config.projectionDim();
            VisionTransformer vision = null;
            Linear visual = null, textual = null;
            TextTransformer text = null;
            if (towers.image()) {
                vision = VisionTransformer.load(root.at("vision_model"), config.vision());
                visual = root.linearWithoutBias(
                        "visual_projection", proj, config.vision().hiddenSize());
            }
            if (towers.text()) {
                text = TextTransformer.load(root.at("text_model"), config.text());
                textual = root.linearWithoutBias(
                        "text_projection", proj, config.text().projectDim());
            }
            float logitScale = root.scalar("logit_scale");
            List<String> unused = w.finish();
            if (!unused.isEmpty()) warn.accept("unused tensors in " + checkpoint.path() + ": " + unused);
            if (quantizable != null) quantizable.addAll(w.quantizable());
            return new AltClipModel(config, vision, text, visual, textual, logitScale, w.isMapped());
        }
    }

    public AltClipConfig config() {
        return config;
    }

    /**
     * Whether the big weights (GEMM matrices, word embeddings) are read from a pre-packed file mapped into memory
     * (JDK 22+, shared with other processes, outside the Java heap) rather than held in the heap.
     */
    public boolean weightsMapped() {
        return mapped;
    }

    /** The towers this model was loaded with. */
    public Towers towers() {
        return vision == null ? Towers.TEXT : text == null ? Towers.IMAGE : Towers.BOTH;
    }

    public VisionTransformer vision() {
        return requireLoaded(vision, "image");
    }

    public TextTransformer text() {
        return requireLoaded(text, "text");
    }

    private static <T> T requireLoaded(T tower, String which) {
        if (tower == null)
            throw new IllegalStateException("the " + which + " tower is not loaded: load the model with Towers."
                    + which.toUpperCase(java.util.Locale.ROOT) + " or Towers.BOTH");
        return tower;
    }

    /** {@code exp(logit_scale)}: the temperature applied to cosine similarities. */
    public float logitScaleExp() {
        return (float) Math.exp(logitScale);
    }

    /** {@code get_text_features}: {@code text_projection(pooled)}, not normalised. */
    public TextFeatures textFeatures(ThreadPool pool, int[][] inputIds, int[][] attentionMask) {
        TextTransformer.Output out = text().forward(pool, inputIds, attentionMask);
        return new TextFeatures(out, textProjection.forward(pool, out.pooled()));
    }

    /** {@code get_image_features}: {@code visual_projection(pooled)}, not normalised. */
    public ImageFeatures imageFeatures(ThreadPool pool, FloatTensor pixelValues) {
        VisionTransformer.Output out = vision().forward(pool, pixelValues);
        return new ImageFeatures(out, visualProjection.forward(pool, out.pooled()));
    }

    /** Unit-length copies of feature rows: the embeddings in the shared space. */
    public static FloatTensor normalize(ThreadPool pool, FloatTensor features) {
        FloatTensor n = features.copy();
        Ops.l2Normalize(pool, n);
        return n;
    }

    /**
     * {@code (rows @ columns^T) * exp(logit_scale)}, from normalised embeddings: transformers' {@code logits_per_text}
     * with texts as rows and images as columns, {@code logits_per_image} the other way round.
     */
    public FloatTensor logits(ThreadPool pool, FloatTensor rows, FloatTensor columns) {
        FloatTensor logits = Gemm.matmulTransposed(pool, rows, columns);
        Ops.scale(pool, logits, logitScaleExp());
        return logits;
    }
}
