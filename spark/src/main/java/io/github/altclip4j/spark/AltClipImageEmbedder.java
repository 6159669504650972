package io.github.altclip4j.spark;

import io.github.altclip4j.AltClip;
import io.github.altclip4j.ImageInput;
import java.io.IOException;
import java.io.UncheckedIOException;
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
            List<Object[]> out = new ArrayList<>(rows.size());
            for (AltClip.ImageResult r : embed(model, images, rows, unit, failOnError)) {
                out.add(
                        r.ok()
                                ? new Object[] {r.embedding(), null}
                                : new Object[] {null, r.error().getMessage()});
            }
            return out;
        }
    }

    /**
     * A batch of rows through {@link AltClip#embedAll} as one image-tower batch: a row whose image cannot be read gets
     * its error (or, with {@code failOnError}, fails the task naming it).
     */
    static List<AltClip.ImageResult> embed(
            AltClip model, ImageColumn column, List<Row> rows, boolean unit, boolean failOnError) {
        List<ImageInput> inputs = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            String name = column.name(row, i);
            inputs.add(ImageInput.of(name, decoder -> column.decode(decoder, row, name)));
        }
        List<AltClip.ImageResult> results = new ArrayList<>(rows.size());
        AltClip.Batching batching =
                AltClip.Batching.defaults().withBatch(Math.max(1, rows.size())).withUnit(unit);
        try {
            model.embedAll(inputs, batching, b -> results.addAll(b.results()));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the pipeline's own failure (per-image errors are in the results)
        }
        if (failOnError)
            for (AltClip.ImageResult r : results)
                if (!r.ok())
                    throw new IllegalArgumentException("altclip4j: " + r.error().getMessage(), r.error());
        return results;
    }
}
