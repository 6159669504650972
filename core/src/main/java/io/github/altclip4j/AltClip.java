package io.github.altclip4j;

import io.github.altclip4j.formats.JsonRecords;
import io.github.altclip4j.image.ClipImageProcessor;
import io.github.altclip4j.image.ImageDecoder;
import io.github.altclip4j.image.ImageException;
import io.github.altclip4j.image.RgbImage;
import io.github.altclip4j.model.AltClipModel;
import io.github.altclip4j.model.ModelFolder;
import io.github.altclip4j.model.Towers;
import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.tensor.Ops;
import io.github.altclip4j.tensor.ThreadPool;
import io.github.altclip4j.tokenizer.XlmRobertaTokenizer;
import io.github.altclip4j.weights.WeightBinder;
import io.github.altclip4j.weights.WeightFormat;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * The public API: load an AltCLIP model folder once (as downloaded from the Hugging Face hub: {@code config.json},
 * {@code model.safetensors} or {@code pytorch_model.bin}, {@code sentencepiece.bpe.model},
 * {@code tokenizer_config.json}, {@code preprocessor_config.json}), then embed texts and images, score them against
 * each other, or classify an image zero-shot. Results are plain {@code float[]} per item. An instance is safe to share
 * between threads.
 *
 * <pre>{@code
 * try (AltClip clip = AltClip.load(Path.of("AltCLIP"))) {
 *     List<AltClip.Label> labels = clip.classify(Path.of("cat.jpg"), List.of("一只猫的照片", "a photo of a dog"));
 *     System.out.println(labels.get(0));       // the most probable label
 * }
 * }</pre>
 */
public final class AltClip implements AutoCloseable {
    /**
     * Texts per forward pass of the text tower, images per forward pass of the image tower: what the API batches by,
     * and the default of every application that batches (the server, the index, Spark).
     */
    public static final int TEXT_BATCH = 32, IMAGE_BATCH = 8;

    private final ModelFolder folder;
    private final WeightFormat weights;
    private final AltClipModel model;
    private final XlmRobertaTokenizer tokenizer;
    private final ClipImageProcessor processor;
    private final ImageDecoder decoder;
    private final ThreadPool pool;
    private final boolean ownsPool;

    /**
     * Load options: threads (0 = one per processor, shared pool), how the weights are held (as stored, or converted
     * to F32, BF16, F16 or int8), which towers to load (a text search needs only the text tower), the image pixel
     * cap, where warnings go, who hears of the load's progress.
     */
    public record Options(
            int threads,
            WeightFormat weights,
            Towers towers,
            long maxImagePixels,
            Consumer<String> warnings,
            WeightBinder.Progress progress) {
        public static Options defaults() {
            return new Options(
                    0,
                    WeightFormat.AS_STORED,
                    Towers.BOTH,
                    ImageDecoder.DEFAULT_MAX_PIXELS,
                    w -> System.err.println("altclip4j: " + w),
                    WeightBinder.Progress.NONE);
        }

        public Options withThreads(int n) {
            return new Options(n, weights, towers, maxImagePixels, warnings, progress);
        }

        public Options withWeights(WeightFormat format) {
            return new Options(threads, format, towers, maxImagePixels, warnings, progress);
        }

        /** Only the text tower, only the image tower, or both: the other's weights are never read. */
        public Options withTowers(Towers which) {
            return new Options(threads, weights, which, maxImagePixels, warnings, progress);
        }

        public Options withMaxImagePixels(long pixels) {
            return new Options(threads, weights, towers, pixels, warnings, progress);
        }

        public Options withWarnings(Consumer<String> to) {
            return new Options(threads, weights, towers, maxImagePixels, to, progress);
        }

        public Options withProgress(WeightBinder.Progress to) {
            return new Options(threads, weights, towers, maxImagePixels, warnings, to);
        }
    }

    /** A label with its zero-shot probability (in JSON: {@code {"label", "probability"}}). */
    public record Label(@JsonRecords.Name("label") String text, float probability) {}

    /** Everything one {@link #run} computes, in the layout of transformers' {@code AltCLIPModel} outputs. */
    public record Outputs(
            int[][] inputIds,
            int[][] attentionMask,
            FloatTensor pixelValues,
            FloatTensor textFeatures,
            FloatTensor imageFeatures,
            FloatTensor textEmbeds,
            FloatTensor imageEmbeds,
            FloatTensor logitsPerText,
            FloatTensor logitsPerImage) {}

    private AltClip(
            ModelFolder folder,
            WeightFormat weights,
            AltClipModel model,
            XlmRobertaTokenizer tokenizer,
            ClipImageProcessor processor,
            ImageDecoder decoder,
            ThreadPool pool,
            boolean ownsPool) {
        this.folder = folder;
        this.weights = weights;
        this.model = model;
        this.tokenizer = tokenizer;
        this.processor = processor;
        this.decoder = decoder;
        this.pool = pool;
        this.ownsPool = ownsPool;
    }

    public static AltClip load(Path folder) throws IOException {
        return load(folder, Options.defaults());
    }

    public static AltClip load(Path folder, Options options) throws IOException {
        return load(ModelFolder.open(folder), options);
    }

    /** Loads an opened model folder (whose cheap checks a caller may have made before paying for the weights). */
    public static AltClip load(ModelFolder folder, Options options) throws IOException {
        AltClipModel model =
                AltClipModel.load(folder, options.weights(), options.towers(), options.warnings(), options.progress());
        XlmRobertaTokenizer tokenizer = folder.tokenizer();
        ClipImageProcessor processor = new ClipImageProcessor(folder.preprocessor(), options.maxImagePixels());
        boolean own = options.threads() > 0;
        ThreadPool pool = own ? new ThreadPool(options.threads()) : ThreadPool.shared();
        return new AltClip(
                folder,
                options.weights(),
                model,
                tokenizer,
                processor,
                new ImageDecoder(options.maxImagePixels()),
                pool,
                own);
    }

    /** The towers loaded: embedding with the other is an {@link IllegalStateException} that says so. */
    public Towers towers() {
        return model.towers();
    }

    /** The model folder this was loaded from. */
    public ModelFolder modelFolder() {
        return folder;
    }

    /** How the weights are held. */
    public WeightFormat weights() {
        return weights;
    }

    /** Where texts are truncated, {@code <s>} and {@code </s>} included (-1: not at all). */
    public int maxTextTokens() {
        return tokenizer.maxLength();
    }

    /** The compute threads the towers run on. */
    public int threads() {
        return pool.threads();
    }

    /** The model's tokenizer (XLM-R's SentencePiece, truncating where the model does). */
    public XlmRobertaTokenizer tokenizer() {
        return tokenizer;
    }

    /** The model's image preprocessing (CLIPImageProcessor's rules and this folder's preprocessor_config.json). */
    public ClipImageProcessor imageProcessor() {
        return processor;
    }

    /** An image decoded and preprocessed for the image tower, with its decoded size. */
    public record PreparedImage(FloatTensor pixels, int width, int height) {}

    /**
     * Decodes and preprocesses one image (safe to call from several threads at once, e.g. to decode the next batch
     * while the image tower runs); {@link #embedPrepared} embeds it exactly as {@link #embedImages} would.
     */
    public PreparedImage prepare(Path image) throws IOException {
        return prepare(decoder.decode(image));
    }

    /** The same for image bytes ({@code name} appears in errors). */
    public PreparedImage prepare(InputStream in, String name) throws IOException {
        return prepare(decoder.decode(in, name));
    }

    /** The same for an image decoded elsewhere (Spark's image data source, say): only the preprocessing. */
    public PreparedImage prepare(RgbImage rgb) throws ImageException {
        return new PreparedImage(processor.preprocess(List.of(rgb)), rgb.width(), rgb.height());
    }

    /**
     * How {@link #embedAll} batches: images per image-tower pass, threads decoding ahead while the tower runs (0: on
     * the caller's thread), and unit-length embeddings ({@code unit}) or the features before normalisation.
     */
    public record Batching(int batch, int decodeThreads, boolean unit) {
        public Batching {
            if (batch < 1 || decodeThreads < 0)
                throw new IllegalArgumentException(
                        "batch must be positive and decode threads not negative, got " + batch + ", " + decodeThreads);
        }

        /** Batches of {@link #IMAGE_BATCH}, decoded on the caller's thread, unit-length embeddings. */
        public static Batching defaults() {
            return new Batching(IMAGE_BATCH, 0, true);
        }

        public Batching withBatch(int images) {
            return new Batching(images, decodeThreads, unit);
        }

        public Batching withDecodeThreads(int threads) {
            return new Batching(batch, threads, unit);
        }

        public Batching withUnit(boolean unitLength) {
            return new Batching(batch, decodeThreads, unitLength);
        }
    }

    /** One image's outcome: its embedding and decoded size, or the error that kept it from one. */
    public record ImageResult(String name, float[] embedding, int width, int height, IOException error) {
        public boolean ok() {
            return error == null;
        }
    }

    /** One batch of {@link #embedAll}'s results, in input order, and where its time went. */
    public record ImageBatch(List<ImageResult> results, double decodeWaitSeconds, double towerSeconds) {}

    /** Receives each batch as it is done (an index commits each). */
    @FunctionalInterface
    public interface BatchSink {
        void accept(ImageBatch batch) throws IOException;
    }

    /**
     * Embeds many images, a batch at a time: one result per image, in order, an image that cannot be read getting its
     * error without stopping the others.
     *
     * <pre>{@code
     * for (AltClip.ImageResult r : clip.embedAll(List.of(ImageInput.file(Path.of("cat.jpg")), ImageInput.bytes(png, "upload"))))
     *     System.out.println(r.ok() ? r.name() + ": " + r.embedding().length + " dimensions" : r.error().getMessage());
     * }</pre>
     */
    public List<ImageResult> embedAll(List<ImageInput> images) throws IOException {
        List<ImageResult> out = new ArrayList<>(images.size());
        embedAll(images, Batching.defaults(), b -> out.addAll(b.results()));
        return out;
    }

    /** The same with other {@link Batching}, each batch handed to {@code sink} as soon as it is embedded. */
    public void embedAll(List<ImageInput> images, Batching batching, BatchSink sink) throws IOException {
        new ImagePipeline(this, batching).run(images, sink);
    }

    /**
     * Label embeddings by CLIP's prompt recipe: each template filled with the label ({@code "a photo of {}."}, {@code
     * "一张{}的照片。"}), each unit length, averaged, unit length again; one template gives its embedding as it is.
     */
    public List<float[]> embedLabels(List<String> labels, List<String> templates) {
        if (templates.isEmpty()) throw new IllegalArgumentException("no templates (\"{}\" is the label alone)");
        for (String t : templates)
            if (!t.contains("{}")) throw new IllegalArgumentException("template \"" + t + "\" has no {} for the label");
        List<String> prompts = new ArrayList<>(labels.size() * templates.size());
        for (String label : labels) for (String t : templates) prompts.add(t.replace("{}", label));
        List<float[]> each = embedTexts(prompts); // every prompt in batches of TEXT_BATCH: the same bits as one by one
        List<float[]> out = new ArrayList<>(labels.size());
        for (int l = 0; l < labels.size(); l++)
            out.add(meanEmbedding(each.subList(l * templates.size(), (l + 1) * templates.size())));
        return out;
    }

    /**
     * One label's embedding from its prompts' unit embeddings, in template order: their mean (in float, in that order)
     * made unit length; one prompt's embedding is returned as it is. The one rule of {@link #embedLabels}, for callers
     * that embedded the prompts themselves (the server, through its batcher).
     */
    public static float[] meanEmbedding(List<float[]> promptEmbeddings) {
        if (promptEmbeddings.size() == 1) return promptEmbeddings.get(0);
        float[] mean = new float[promptEmbeddings.get(0).length];
        for (float[] e : promptEmbeddings) for (int i = 0; i < mean.length; i++) mean[i] += e[i];
        for (int i = 0; i < mean.length; i++) mean[i] /= promptEmbeddings.size();
        return unit(mean);
    }

    /** One term of a combined query: a text or an image, and its weight (negative: away from it). */
    public record QueryTerm(String text, ImageInput image, float weight) {
        public QueryTerm {
            if ((text == null) == (image == null))
                throw new IllegalArgumentException("a query term is a text or an image");
            if (!Float.isFinite(weight)) throw new IllegalArgumentException("a query term's weight must be finite");
        }

        public static QueryTerm text(String text, float weight) {
            return new QueryTerm(text, null, weight);
        }

        public static QueryTerm image(ImageInput image, float weight) {
            return new QueryTerm(null, image, weight);
        }
    }

    /**
     * A query that combines words and pictures (rclip's {@code "2:golden retriever" + pool.jpg - fruit}): the weighted
     * sum of the terms' unit embeddings, made unit length, {@code q = Σ wᵢ eᵢ / ‖Σ wᵢ eᵢ‖}, summed and normalised in
     * double precision and rounded once to float. One term of positive weight is its embedding as it is (so a plain
     * query has the bits of {@link #embedText}). Terms that cancel out (a zero sum) are refused.
     */
    public float[] embedQuery(List<QueryTerm> terms) throws IOException {
        if (terms.isEmpty()) throw new IllegalArgumentException("a query needs at least one term");
        QueryTerm first = terms.get(0);
        if (terms.size() == 1 && first.weight() > 0)
            return first.text() != null
                    ? embedText(first.text())
                    : embedInputs(List.of(first.image())).get(0);
        List<String> texts = new ArrayList<>();
        List<ImageInput> images = new ArrayList<>();
        for (QueryTerm t : terms) {
            if (t.text() != null) texts.add(t.text());
            else images.add(t.image());
        }
        List<float[]> textVectors = embedTexts(texts);
        List<float[]> imageVectors = embedInputs(images);
        List<float[]> vectors = new ArrayList<>(terms.size());
        float[] weights = new float[terms.size()];
        int nextText = 0, nextImage = 0;
        for (int i = 0; i < terms.size(); i++) {
            QueryTerm t = terms.get(i);
            vectors.add(t.text() != null ? textVectors.get(nextText++) : imageVectors.get(nextImage++));
            weights[i] = t.weight();
        }
        return combine(vectors, weights);
    }

    /**
     * {@code Σ wᵢ eᵢ / ‖Σ wᵢ eᵢ‖} of unit embeddings, in double precision, rounded once to float: the rule of
     * {@link #embedQuery}, for callers that embedded the terms themselves (the server, through its batchers).
     */
    public static float[] combine(List<float[]> unitEmbeddings, float[] weights) {
        if (unitEmbeddings.size() != weights.length || weights.length == 0)
            throw new IllegalArgumentException("one weight per embedding, and at least one");
        double[] sum = new double[unitEmbeddings.get(0).length];
        for (int t = 0; t < weights.length; t++) {
            float[] e = unitEmbeddings.get(t);
            for (int i = 0; i < sum.length; i++) sum[i] += weights[t] * (double) e[i];
        }
        double norm = 0;
        for (double x : sum) norm += x * x;
        norm = Math.sqrt(norm);
        if (!(norm > 1e-6))
            throw new IllegalArgumentException("the query's terms cancel out (their weighted sum is 0)");
        float[] q = new float[sum.length];
        for (int i = 0; i < q.length; i++) q[i] = (float) (sum[i] / norm);
        return q;
    }

    /** Unit-length embeddings of images from any source; the first that cannot be read stops it with its error. */
    private List<float[]> embedInputs(List<ImageInput> images) throws IOException {
        List<float[]> out = new ArrayList<>(images.size());
        embedAll(images, Batching.defaults(), batch -> {
            for (ImageResult r : batch.results()) {
                if (!r.ok()) throw r.error();
                out.add(r.embedding());
            }
        });
        return out;
    }

    ImageDecoder decoder() {
        return decoder;
    }

    /** Unit-length embeddings of prepared images, in order (the image tower runs on batches of them). */
    public List<float[]> embedPrepared(List<PreparedImage> images) {
        if (images.isEmpty()) return List.of();
        return rows(imageEmbeds(stack(images)));
    }

    /** The unit-length embedding of one text. */
    public float[] embedText(String text) {
        return embedTexts(List.of(text)).get(0);
    }

    /** Unit-length text embeddings, one {@code float[projection_dim]} per text. */
    public List<float[]> embedTexts(List<String> texts) {
        return rows(textEmbeds(texts));
    }

    /** Unit-length image embeddings, one per file; the first file that cannot be read stops it with its error. */
    public List<float[]> embedImages(List<Path> files) throws IOException {
        return embedInputs(files.stream().map(ImageInput::file).toList());
    }

    /** Unit-length embedding of an image read from a stream ({@code name} appears in errors). */
    public float[] embedImage(InputStream in, String name) throws IOException {
        return rows(imageEmbeds(processor.preprocess(List.of(decoder.decode(in, name)))))
                .get(0);
    }

    /** Unit-length embedding of an in-memory image (converted with the same rules as files). */
    public float[] embedImage(BufferedImage image) throws IOException {
        return rows(imageEmbeds(processor.preprocess(List.of(ImageDecoder.toRgb(image, "image")))))
                .get(0);
    }

    /** Zero-shot classification: softmax over {@code exp(logit_scale) * cos(image, label)}, best first. */
    public List<Label> classify(Path image, List<String> labels) throws IOException {
        return classify(List.of(image), labels).get(0);
    }

    /** {@link #classify(Path, List)} for several images: the labels are embedded once. */
    public List<List<Label>> classify(List<Path> images, List<String> labels) throws IOException {
        if (labels.isEmpty()) throw new IllegalArgumentException("no labels to classify against");
        List<float[]> labelEmbeds = embedTexts(labels);
        List<List<Label>> out = new ArrayList<>();
        for (float[] image : embedImages(images)) out.add(rank(image, labels, labelEmbeds));
        return out;
    }

    /**
     * Zero-shot probabilities from embeddings: softmax over {@code exp(logit_scale) * cos(image, label)}, best first
     * (what {@link #classify} computes once the image and the labels are embedded).
     */
    public List<Label> rank(float[] imageEmbedding, List<String> labels, List<float[]> labelEmbeddings) {
        int d = imageEmbedding.length;
        FloatTensor text = FloatTensor.zeros(labels.size(), d);
        for (int i = 0; i < labels.size(); i++) System.arraycopy(labelEmbeddings.get(i), 0, text.data(), i * d, d);
        FloatTensor logits = model.logits(
                pool, FloatTensor.wrap(imageEmbedding.clone(), 1, d), text); // logits_per_image: [1][labels]
        Ops.softmax(pool, logits);
        List<Label> ranked = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) ranked.add(new Label(labels.get(i), logits.get(0, i)));
        ranked.sort(Comparator.comparingDouble(Label::probability).reversed());
        return ranked;
    }

    /** Texts and images through the whole model, with every intermediate a user may want to save. */
    public Outputs run(List<String> texts, List<Path> images) throws IOException {
        XlmRobertaTokenizer.Batch batch = tokenizer.batch(texts);
        List<RgbImage> decoded = new ArrayList<>();
        for (Path f : images) decoded.add(decoder.decode(f));
        FloatTensor pixels = processor.preprocess(decoded);
        FloatTensor textFeatures = texts.isEmpty()
                ? FloatTensor.zeros(0, model.config().projectionDim())
                : model.textFeatures(pool, batch.inputIds(), batch.attentionMask())
                        .features();
        FloatTensor imageFeatures = images.isEmpty()
                ? FloatTensor.zeros(0, model.config().projectionDim())
                : model.imageFeatures(pool, pixels).features();
        FloatTensor textEmbeds = AltClipModel.normalize(pool, textFeatures),
                imageEmbeds = AltClipModel.normalize(pool, imageFeatures);
        FloatTensor perText = model.logits(pool, textEmbeds, imageEmbeds);
        FloatTensor perImage = model.logits(pool, imageEmbeds, textEmbeds);
        return new Outputs(
                batch.inputIds(),
                batch.attentionMask(),
                pixels,
                textFeatures,
                imageFeatures,
                textEmbeds,
                imageEmbeds,
                perText,
                perImage);
    }

    private FloatTensor textEmbeds(List<String> texts) {
        FloatTensor f = textFeatureRows(texts);
        Ops.l2Normalize(pool, f);
        return f;
    }

    /** {@code get_text_features} for each text: projected, not normalised; in batches of {@link #TEXT_BATCH}. */
    private FloatTensor textFeatureRows(List<String> texts) {
        FloatTensor out = FloatTensor.zeros(texts.size(), model.config().projectionDim());
        for (int from = 0; from < texts.size(); from += TEXT_BATCH) {
            List<String> part = texts.subList(from, Math.min(texts.size(), from + TEXT_BATCH));
            XlmRobertaTokenizer.Batch b = tokenizer.batch(part);
            FloatTensor f =
                    model.textFeatures(pool, b.inputIds(), b.attentionMask()).features();
            System.arraycopy(f.data(), 0, out.data(), from * out.cols(), f.size());
        }
        return out;
    }

    private FloatTensor imageEmbeds(FloatTensor pixels) {
        FloatTensor f = imageFeatureRows(pixels);
        Ops.l2Normalize(pool, f);
        return f;
    }

    private FloatTensor imageFeatureRows(FloatTensor pixels) {
        int n = pixels.dim(0);
        FloatTensor out = FloatTensor.zeros(n, model.config().projectionDim());
        for (int from = 0; from < n; from += IMAGE_BATCH) {
            FloatTensor part = pixels.slice(from, Math.min(n, from + IMAGE_BATCH));
            FloatTensor f = model.imageFeatures(pool, part).features();
            System.arraycopy(f.data(), 0, out.data(), from * out.cols(), f.size());
        }
        return out;
    }

    /**
     * {@code get_text_features} of each text: the projection before normalisation (what TEI's {@code normalize: false}
     * returns). {@link #unit} of one gives exactly the row {@link #embedTexts} returns.
     */
    public List<float[]> textFeatures(List<String> texts) {
        return rows(textFeatureRows(texts));
    }

    /** {@code get_image_features} of each prepared image, before normalisation. */
    public List<float[]> imageFeatures(List<PreparedImage> images) {
        return rows(imageFeatureRows(stack(images)));
    }

    /**
     * A unit-length copy of a feature vector, computed as the embedding methods do (so with the same bits: the norm
     * of one row does not depend on the threads).
     */
    public static float[] unit(float[] features) {
        FloatTensor t = FloatTensor.wrap(features.clone(), 1, features.length);
        Ops.l2Normalize(ThreadPool.shared(), t);
        return t.data();
    }

    /** The number of tokens a text becomes, {@code <s>} and {@code </s>} included (after truncation). */
    public int tokenCount(String text) {
        return tokenizer.tokenize(text).ids().length;
    }

    private FloatTensor stack(List<PreparedImage> images) {
        int size = model.config().vision().imageSize(), per = 3 * size * size;
        FloatTensor pixels = FloatTensor.zeros(images.size(), 3, size, size);
        for (int i = 0; i < images.size(); i++)
            System.arraycopy(
                    images.get(i).pixels().data(), images.get(i).pixels().offset(), pixels.data(), i * per, per);
        return pixels;
    }

    private static List<float[]> rows(FloatTensor t) {
        List<float[]> out = new ArrayList<>();
        for (int r = 0; r < t.rows(); r++) out.add(t.slice(r, r + 1).toArray());
        return out;
    }

    @Override
    public void close() {
        if (ownsPool) pool.close();
    }
}
