package io.github.altclip4j.spark.examples;

import io.github.altclip4j.spark.AltClipSpark;
import io.github.altclip4j.spark.AltClipZeroShotClassifier;
import java.util.Arrays;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A folder (or glob) of images classified against labels, to a Parquet table of
 * {@code (path, label, probabilities, error)} (JSON lines when OUT ends in {@code .json}):
 * <pre>
 * spark-submit --class io.github.altclip4j.spark.examples.ClassifyFolderJob altclip4j-spark.jar \
 *     MODEL IMAGES OUT WEIGHTS LABEL...
 * </pre>
 * {@code probabilities} are in the labels' order, as {@code altclip classify} computes them.
 */
public final class ClassifyFolderJob {
    private ClassifyFolderJob() {}

    public static void main(String[] args) {
        if (args.length < 5) {
            System.err.println("usage: ClassifyFolderJob MODEL_FOLDER IMAGES_FOLDER_OR_GLOB OUTPUT"
                    + " as-stored|f32|bf16|f16|int8 LABEL...");
            System.exit(2);
        }
        SparkSession spark =
                SparkSession.builder().appName("altclip4j: classify " + args[1]).getOrCreate();
        run(spark, args[0], args[1], args[2], args[3], Arrays.copyOfRange(args, 4, args.length));
        spark.stop();
    }

    /** The job itself, on a session the caller owns; the output is overwritten if it exists. */
    public static void run(
            SparkSession spark, String model, String images, String output, String weights, String... labels) {
        Dataset<Row> classified = new AltClipZeroShotClassifier()
                .setModelPath(model)
                .setWeights(weights)
                .setLabels(labels)
                .transform(AltClipSpark.readImages(spark, images));
        var rows = classified
                .select("path", "label", "probabilities", "error")
                .write()
                .mode("overwrite");
        if (output.endsWith(".json")) rows.json(output);
        else rows.parquet(output);
    }
}
