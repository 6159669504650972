package io.github.altclip4j.spark;

import io.github.altclip4j.AltClip;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * AltCLIP image embeddings as a Spark ML transformer: an image column ({@code binary} file bytes, or Spark's
 * {@code image} struct) in, {@code array<float>} out (unit length by default, or the raw projection), and an error
 * column that holds why a row's image could not be embedded (its embedding is then null). The job fails on a bad
 * image only if asked to ({@code setFailOnError(true)}).
 *
 * <pre>{@code
 * Dataset<Row> files = spark.read().format("binaryFile").load("photos/");
 * Dataset<Row> embedded = new AltClipImageEmbedder().setModelPath("/models/AltCLIP").transform(files);
 * }</pre>
 */
public final class AltClipImageEmbedder extends AltClipTransformer<AltClipImageEmbedder> {
    private final Param<String> errorCol =
            new Param<>(this, "errorCol", "the column for why a row's image could not be embedded");
    private final BooleanParam normalize =
            new BooleanParam(this, "normalize", "unit-length embeddings (false: the raw projection)");
    private final BooleanParam failOnError =
            new BooleanParam(this, "failOnError", "fail the task on an image that cannot be embedded");

    public AltClipImageEmbedder() {
        this(Identifiable.randomUID("altclipImageEmbedder"));
    }

    public AltClipImageEmbedder(String uid) {
        super(uid);
        setDefault(inputCol(), "content");
        setDefault(outputCol(), "embedding");
        setDefault(errorCol, "error");
        setDefault(normalize, true);
        setDefault(failOnError, false);
    }

    public Param<String> errorCol() {
        return errorCol;
    }

    public BooleanParam normalize() {
        return normalize;
    }

    public BooleanParam failOnError() {
        return failOnError;
    }

    public AltClipImageEmbedder setErrorCol(String column) {
        return with(errorCol, column);
    }

    public AltClipImageEmbedder setNormalize(boolean unit) {
        return with(normalize, unit);
    }

    public AltClipImageEmbedder setFailOnError(boolean fail) {
        return with(failOnError, fail);
    }

    public String getErrorCol() {
        return $(errorCol);
    }

    public boolean getNormalize() {
        return (Boolean) $(normalize);
    }

    public boolean getFailOnError() {
        return (Boolean) $(failOnError);
    }

    public static MLReader<AltClipImageEmbedder> read() {
        return new DefaultParamsReader<>();
    }

    public static AltClipImageEmbedder load(String path) {
        return read().load(path);
    }

    @Override
    protected List<StructField> outputFields() {
        return List.of(
                DataTypes.createStructField(
                        getOutputCol(), DataTypes.createArrayType(DataTypes.FloatType, false), true),
                DataTypes.createStructField(getErrorCol(), DataTypes.StringType, true));
    }

    @Override
    protected void checkInput(StructType schema) {
        ImageColumn.of(schema, inputIndex(schema), getClass().getSimpleName());
    }

    @Override
    protected BatchStep step(StructType schema) {
        return new Embed(
                ImageColumn.of(schema, inputIndex(schema), getClass().getSimpleName()),
                getNormalize(),
                getFailOnError());
    }

    private record Embed(ImageColumn images, boolean unit, boolean failOnError) implements BatchStep {
        @Override
        public List<Object[]> apply(AltClip model, List<Row> rows) {
            Prepared p = Prepared.of(model, images, rows, failOnError);
            List<float[]> vectors = unit ? model.embedPrepared(p.images()) : model.imageFeatures(p.images());
            List<Object[]> out = new ArrayList<>(rows.size());
            for (int i = 0, next = 0; i < rows.size(); i++) {
                String error = p.errors().get(i);
                out.add(error == null ? new Object[] {vectors.get(next++), null} : new Object[] {null, error});
            }
            return out;
        }
    }

    /** A batch's images decoded and preprocessed, with the error of each row that failed (null where none). */
    record Prepared(List<AltClip.PreparedImage> images, List<String> errors) {
        static Prepared of(AltClip model, ImageColumn column, List<Row> rows, boolean failOnError) {
            List<AltClip.PreparedImage> images = new ArrayList<>();
            List<String> errors = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                String name = column.name(rows.get(i), i);
                try {
                    images.add(column.prepare(model, rows.get(i), name));
                    errors.add(null);
                } catch (IOException | RuntimeException e) {
                    String message = e.getMessage() != null
                            ? e.getMessage()
                            : name + ": " + e.getClass().getSimpleName();
                    if (failOnError) throw new IllegalArgumentException("altclip4j: " + message, e);
                    errors.add(message);
                }
            }
            return new Prepared(images, errors);
        }
    }
}
