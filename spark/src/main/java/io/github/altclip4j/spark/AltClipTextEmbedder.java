package io.github.altclip4j.spark;

import io.github.altclip4j.AltClip;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * AltCLIP text embeddings as a Spark ML transformer: a string column in any of XLM-R's 100 languages in,
 * {@code array<float>} out (unit length by default, or the raw projection); a null text gives a null embedding.
 * Texts longer than the model's positions are truncated, as transformers' tokenizer does.
 */
public final class AltClipTextEmbedder extends AltClipTransformer<AltClipTextEmbedder> {
    private final BooleanParam normalize =
            new BooleanParam(this, "normalize", "unit-length embeddings (false: the raw projection)");

    public AltClipTextEmbedder() {
        this(Identifiable.randomUID("altclipTextEmbedder"));
    }

    public AltClipTextEmbedder(String uid) {
        super(uid);
        setDefault(inputCol(), "text");
        setDefault(outputCol(), "embedding");
        setDefault(normalize, true);
    }

    public BooleanParam normalize() {
        return normalize;
    }

    public AltClipTextEmbedder setNormalize(boolean unit) {
        return with(normalize, unit);
    }

    public boolean getNormalize() {
        return (Boolean) $(normalize);
    }

    public static MLReader<AltClipTextEmbedder> read() {
        return new DefaultParamsReader<>();
    }

    public static AltClipTextEmbedder load(String path) {
        return read().load(path);
    }

    @Override
    protected List<StructField> outputFields() {
        return List.of(DataTypes.createStructField(
                getOutputCol(), DataTypes.createArrayType(DataTypes.FloatType, false), true));
    }

    @Override
    protected void checkInput(StructType schema) {
        textColumn(schema);
    }

    private int textColumn(StructType schema) {
        int at = inputIndex(schema);
        if (!schema.fields()[at].dataType().equals(DataTypes.StringType)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": column \"" + getInputCol() + "\" is "
                    + schema.fields()[at].dataType().simpleString() + ", not string");
        }
        return at;
    }

    @Override
    protected BatchStep step(StructType schema) {
        return new Embed(textColumn(schema), getNormalize());
    }

    private record Embed(int column, boolean unit) implements BatchStep {
        @Override
        public List<Object[]> apply(AltClip model, List<Row> rows) {
            List<String> texts = new ArrayList<>();
            for (Row r : rows) if (!r.isNullAt(column)) texts.add(r.getString(column));
            List<float[]> vectors = unit ? model.embedTexts(texts) : model.textFeatures(texts);
            List<Object[]> out = new ArrayList<>(rows.size());
            int next = 0;
            for (Row r : rows) out.add(new Object[] {r.isNullAt(column) ? null : vectors.get(next++)});
            return out;
        }
    }
}
