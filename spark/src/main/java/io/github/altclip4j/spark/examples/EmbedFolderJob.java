package io.github.altclip4j.spark.examples;

import io.github.altclip4j.spark.AltClipSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A folder (or glob) of images to a Parquet table of {@code (path, embedding, error)} (JSON lines when OUT ends in
 * {@code .json}):
 * <pre>
 * spark-submit --class io.github.altclip4j.spark.examples.EmbedFolderJob altclip4j-spark.jar MODEL IMAGES OUT [WEIGHTS]
 * </pre>
 * An image that cannot be decoded gets a null embedding and its error; the job goes on.
 */
public final class EmbedFolderJob {
    private EmbedFolderJob() {}

    public static void main(String[] args) {
        if (args.length < 3 || args.length > 4) {
            System.err.println(
                    "usage: EmbedFolderJob MODEL_FOLDER IMAGES_FOLDER_OR_GLOB OUTPUT_PARQUET [as-stored|f32|bf16|f16|int8]");
            System.exit(2);
        }
        String weights = args.length == 4 ? args[3] : "as-stored";
        SparkSession spark =
                SparkSession.builder().appName("altclip4j: embed " + args[1]).getOrCreate();
        run(spark, args[0], args[1], args[2], weights);
        spark.stop();
    }

    /** The job itself, on a session the caller owns; the output is overwritten if it exists. */
    public static void run(SparkSession spark, String model, String images, String output, String weights) {
        Dataset<Row> embedded =
                AltClipSpark.embedImages(AltClipSpark.readImages(spark, images), model, e -> e.setWeights(weights));
        var rows = embedded.select("path", "embedding", "error").write().mode("overwrite");
        if (output.endsWith(".json")) rows.json(output);
        else rows.parquet(output);
    }
}
