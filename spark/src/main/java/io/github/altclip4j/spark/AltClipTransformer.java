package io.github.altclip4j.spark;

import io.github.altclip4j.AltClip;
import io.github.altclip4j.weights.WeightFormat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * What the altclip4j transformers share: the model folder and how it is held, the input and output columns, and the
 * work itself: each partition's rows are read {@code batchSize} at a time, handed to the model that this executor
 * JVM loaded once ({@link ModelCache}), and written out with the new columns appended. Persistable in saved
 * pipelines ({@link DefaultParamsWritable}).
 *
 * @param <T> the transformer itself, so that the setters chain
 */
public abstract class AltClipTransformer<T extends AltClipTransformer<T>> extends Transformer
        implements DefaultParamsWritable {
    private final String uid;
    // Created in the constructor, after uid: a Param takes its parent's uid when it is made.
    private final Param<String> modelPath, inputCol, outputCol, weights;
    private final IntParam batchSize, threads;

    protected AltClipTransformer(String uid) {
        this.uid = uid;
        modelPath = new Param<>(
                this,
                "modelPath",
                "the model folder, on every executor: a shared filesystem, or shipped with spark-submit --archives");
        inputCol = new Param<>(this, "inputCol", "the input column");
        outputCol = new Param<>(this, "outputCol", "the output column");
        batchSize = new IntParam(this, "batchSize", "rows handed to the model at once", ParamValidators.gtEq(1));
        threads = new IntParam(
                this,
                "threads",
                "compute threads per executor JVM, shared by its tasks (0 = one per core)",
                ParamValidators.gtEq(0));
        weights = new Param<>(this, "weights", "how the weights are held: as-stored, f32, bf16, f16 or int8");
        setDefault(batchSize, AltClip.IMAGE_BATCH);
        setDefault(threads, 0);
        setDefault(weights, "as-stored");
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> modelPath() {
        return modelPath;
    }

    public Param<String> inputCol() {
        return inputCol;
    }

    public Param<String> outputCol() {
        return outputCol;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public IntParam threads() {
        return threads;
    }

    public Param<String> weights() {
        return weights;
    }

    public T setModelPath(String path) {
        return with(modelPath, path);
    }

    public T setInputCol(String column) {
        return with(inputCol, column);
    }

    public T setOutputCol(String column) {
        return with(outputCol, column);
    }

    public T setBatchSize(int rows) {
        return with(batchSize, rows);
    }

    public T setThreads(int n) {
        return with(threads, n);
    }

    /** {@code as-stored}, {@code f32}, {@code bf16}, {@code f16} or {@code int8} (checked here, not on the executors). */
    public T setWeights(String format) {
        WeightFormat.parse(format);
        return with(weights, format);
    }

    public String getModelPath() {
        return $(modelPath);
    }

    public String getInputCol() {
        return $(inputCol);
    }

    public String getOutputCol() {
        return $(outputCol);
    }

    public int getBatchSize() {
        return (Integer) $(batchSize);
    }

    public int getThreads() {
        return (Integer) $(threads);
    }

    public String getWeights() {
        return $(weights);
    }

    @SuppressWarnings("unchecked")
    protected <V> T with(Param<V> param, V value) {
        set(param, value);
        return (T) this;
    }

    @SuppressWarnings("unchecked")
    protected T with(IntParam param, int value) {
        set(param, value);
        return (T) this;
    }

    /** The input column's index in {@code schema} ({@code IllegalArgumentException} naming it if absent). */
    protected int inputIndex(StructType schema) {
        int at = Arrays.asList(schema.fieldNames()).indexOf(getInputCol());
        if (at < 0)
            throw new IllegalArgumentException(
                    getClass().getSimpleName() + ": no column \"" + getInputCol() + "\" in " + schema.simpleString());
        return at;
    }

    /** The fields this transformer appends to its input's schema. */
    protected abstract List<StructField> outputFields();

    /** Checks the input column's type against the schema ({@code IllegalArgumentException} naming the column). */
    protected abstract void checkInput(StructType schema);

    /** The work on one batch of rows: the values to append to each, in {@link #outputFields()} order. */
    protected abstract BatchStep step(StructType schema);

    @Override
    public StructType transformSchema(StructType schema) {
        if (!isDefined(modelPath))
            throw new IllegalArgumentException(getClass().getSimpleName() + ": setModelPath is not set");
        checkInput(schema);
        List<StructField> fields = new ArrayList<>(Arrays.asList(schema.fields()));
        for (StructField f : outputFields()) {
            if (Arrays.asList(schema.fieldNames()).contains(f.name())) {
                throw new IllegalArgumentException(
                        getClass().getSimpleName() + ": the input already has a column \"" + f.name() + "\"");
            }
            fields.add(f);
        }
        return new StructType(fields.toArray(new StructField[0]));
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        return dataset.toDF()
                .mapPartitions(new Partition(modelKey(), getBatchSize(), step(dataset.schema())), Encoders.row(out));
    }

    @Override
    public T copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /** The model as the executors will look it up. */
    protected ModelCache.Key modelKey() {
        return new ModelCache.Key(getModelPath(), getThreads(), getWeights());
    }

    /** Reads a partition {@code batch} rows at a time and appends each row's new values (lazily: Spark pulls rows). */
    private record Partition(ModelCache.Key model, int batch, BatchStep step)
            implements MapPartitionsFunction<Row, Row> {
        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            return new Iterator<>() {
                private Iterator<Row> ready = List.<Row>of().iterator();

                @Override
                public boolean hasNext() {
                    while (!ready.hasNext() && rows.hasNext()) {
                        List<Row> in = new ArrayList<>(batch);
                        while (in.size() < batch && rows.hasNext()) in.add(rows.next());
                        List<Object[]> appended = step.apply(ModelCache.get(model), in);
                        List<Row> done = new ArrayList<>(in.size());
                        for (int i = 0; i < in.size(); i++) done.add(append(in.get(i), appended.get(i)));
                        ready = done.iterator();
                    }
                    return ready.hasNext();
                }

                @Override
                public Row next() {
                    if (!hasNext()) throw new NoSuchElementException();
                    return ready.next();
                }
            };
        }

        private static Row append(Row row, Object[] values) {
            Object[] all = new Object[row.length() + values.length];
            for (int i = 0; i < row.length(); i++) all[i] = row.get(i);
            System.arraycopy(values, 0, all, row.length(), values.length);
            return RowFactory.create(all);
        }
    }
}
