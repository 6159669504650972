package io.github.altclip4j.spark;

import io.github.altclip4j.AltClip;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * CLIP's zero-shot classification as a Spark ML transformer: an image column in; the most probable of the given
 * labels, and the probability of every label (in the labels' order), out. Each label's text embedding follows CLIP's
 * recipe: every template filled with the label ({@code "a photo of a {}."}, {@code "一张{}的照片。"}...), each
 * embedding made unit length, averaged, and made unit length again; with the one default template {@code "{}"} it is
 * the label's own embedding, as {@code altclip classify} computes it. Probabilities are the softmax of
 * {@code exp(logit_scale) * cos(image, label)}. The label embeddings are computed once per executor JVM.
 */
public final class AltClipZeroShotClassifier extends AltClipTransformer<AltClipZeroShotClassifier> {
    private final StringArrayParam labels =
            new StringArrayParam(this, "labels", "the labels to choose from, in any language");
    private final StringArrayParam templates = new StringArrayParam(
            this, "templates", "prompt templates, {} standing for the label; their embeddings are averaged");
    private final Param<String> probabilitiesCol =
            new Param<>(this, "probabilitiesCol", "the column for every label's probability");
    private final Param<String> errorCol =
            new Param<>(this, "errorCol", "the column for why a row's image could not be classified");
    private final BooleanParam failOnError =
            new BooleanParam(this, "failOnError", "fail the task on an image that cannot be read");

    public AltClipZeroShotClassifier() {
        this(Identifiable.randomUID("altclipZeroShotClassifier"));
    }

    public AltClipZeroShotClassifier(String uid) {
        super(uid);
        setDefault(inputCol(), "content");
        setDefault(outputCol(), "label");
        setDefault(templates, new String[] {"{}"});
        setDefault(probabilitiesCol, "probabilities");
        setDefault(errorCol, "error");
        setDefault(failOnError, false);
    }

    public StringArrayParam labels() {
        return labels;
    }

    public StringArrayParam templates() {
        return templates;
    }

    public Param<String> probabilitiesCol() {
        return probabilitiesCol;
    }

    public Param<String> errorCol() {
        return errorCol;
    }

    public BooleanParam failOnError() {
        return failOnError;
    }

    public AltClipZeroShotClassifier setLabels(String... names) {
        return with(labels, names);
    }

    public AltClipZeroShotClassifier setTemplates(String... prompts) {
        return with(templates, prompts);
    }

    public AltClipZeroShotClassifier setProbabilitiesCol(String column) {
        return with(probabilitiesCol, column);
    }

    public AltClipZeroShotClassifier setErrorCol(String column) {
        return with(errorCol, column);
    }

    public AltClipZeroShotClassifier setFailOnError(boolean fail) {
        return with(failOnError, fail);
    }

    public String[] getLabels() {
        return $(labels);
    }

    public String[] getTemplates() {
        return $(templates);
    }

    public String getProbabilitiesCol() {
        return $(probabilitiesCol);
    }

    public String getErrorCol() {
        return $(errorCol);
    }

    public boolean getFailOnError() {
        return (Boolean) $(failOnError);
    }

    public static MLReader<AltClipZeroShotClassifier> read() {
        return new DefaultParamsReader<>();
    }

    public static AltClipZeroShotClassifier load(String path) {
        return read().load(path);
    }

    @Override
    protected List<StructField> outputFields() {
        return List.of(
                DataTypes.createStructField(getOutputCol(), DataTypes.StringType, true),
                DataTypes.createStructField(
                        getProbabilitiesCol(), DataTypes.createArrayType(DataTypes.FloatType, false), true),
                DataTypes.createStructField(getErrorCol(), DataTypes.StringType, true));
    }

    @Override
    protected void checkInput(StructType schema) {
        ImageColumn.of(schema, inputIndex(schema), getClass().getSimpleName());
        String name = getClass().getSimpleName();
        if (!isDefined(labels) || getLabels().length == 0)
            throw new IllegalArgumentException(name + ": setLabels is not set");
        if (new HashSet<>(Arrays.asList(getLabels())).size() != getLabels().length)
            throw new IllegalArgumentException(name + ": a label is given twice");
        if (getTemplates().length == 0) throw new IllegalArgumentException(name + ": no templates");
        for (String t : getTemplates()) {
            if (!t.contains("{}"))
                throw new IllegalArgumentException(name + ": template \"" + t + "\" has no {} for the label");
        }
    }

    @Override
    protected BatchStep step(StructType schema) {
        ImageColumn images =
                ImageColumn.of(schema, inputIndex(schema), getClass().getSimpleName());
        return new Classify(
                images, new LabelSet(modelKey(), List.of(getLabels()), List.of(getTemplates())), getFailOnError());
    }

    /** The labels and templates, with the model they are embedded by: the key of the per-JVM label embeddings. */
    record LabelSet(ModelCache.Key model, List<String> labels, List<String> templates) implements Serializable {
        private static final Map<LabelSet, List<float[]>> EMBEDDED = new ConcurrentHashMap<>();

        List<float[]> embeddings(AltClip clip) {
            return EMBEDDED.computeIfAbsent(this, k -> k.embed(clip));
        }

        private List<float[]> embed(AltClip clip) {
            return clip.embedLabels(labels, templates);
        }
    }

    private record Classify(ImageColumn images, LabelSet labels, boolean failOnError) implements BatchStep {
        @Override
        public List<Object[]> apply(AltClip model, List<Row> rows) {
            List<float[]> labelEmbeddings = labels.embeddings(model);
            List<Object[]> out = new ArrayList<>(rows.size());
            for (AltClip.ImageResult r : AltClipImageEmbedder.embed(model, images, rows, true, failOnError)) {
                if (!r.ok()) {
                    out.add(new Object[] {null, null, r.error().getMessage()});
                    continue;
                }
                List<AltClip.Label> ranked = model.rank(r.embedding(), labels.labels(), labelEmbeddings);
                Map<String, Float> byLabel = new HashMap<>();
                for (AltClip.Label l : ranked) byLabel.put(l.text(), l.probability());
                float[] probabilities = new float[labels.labels().size()];
                for (int j = 0; j < probabilities.length; j++)
                    probabilities[j] = byLabel.get(labels.labels().get(j));
                out.add(new Object[] {ranked.get(0).text(), probabilities, null});
            }
            return out;
        }
    }
}
