package io.github.altclip4j.spark.examples;

import io.github.altclip4j.spark.AltClipTextEmbedder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A text file, one text per line (any language), to a Parquet table of {@code (value, embedding)} (JSON lines when
 * OUT ends in {@code .json}):
 * <pre>
 * spark-submit --class io.github.altclip4j.spark.examples.EmbedTextsJob altclip4j-spark.jar MODEL TEXTS OUT [WEIGHTS]
 * </pre>
 */
public final class EmbedTextsJob {
    private EmbedTextsJob() {}

    public static void main(String[] args) {
        if (args.length < 3 || args.length > 4) {
            System.err.println("usage: EmbedTextsJob MODEL_FOLDER TEXTS_FILE OUTPUT [as-stored|f32|bf16|f16|int8]");
            System.exit(2);
        }
        SparkSession spark =
                SparkSession.builder().appName("altclip4j: embed " + args[1]).getOrCreate();
        run(spark, args[0], args[1], args[2], args.length == 4 ? args[3] : "as-stored");
        spark.stop();
    }

    /** The job itself, on a session the caller owns; the output is overwritten if it exists. */
    public static void run(SparkSession spark, String model, String texts, String output, String weights) {
        Dataset<Row> embedded = new AltClipTextEmbedder()
                .setModelPath(model)
                .setWeights(weights)
                .setInputCol("value")
                .transform(spark.read().textFile(texts).toDF("value"));
        var rows = embedded.select("value", "embedding").write().mode("overwrite");
        if (output.endsWith(".json")) rows.json(output);
        else rows.parquet(output);
    }
}
