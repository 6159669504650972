package io.github.altclip4j.spark.examples;

import io.github.altclip4j.AltClip;
import io.github.altclip4j.spark.AltClipSpark;
import java.io.IOException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Ranks the images of an {@link EmbedFolderJob} table against a text query, in any language, with Spark SQL: the
 * query is embedded once on the driver, and each row's score is the dot product of two unit vectors (the cosine):
 * <pre>
 * spark-submit --class io.github.altclip4j.spark.examples.SearchJob altclip4j-spark.jar MODEL TABLE "一只猫" [K]
 * </pre>
 */
public final class SearchJob {
    private SearchJob() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 3 || args.length > 4) {
            System.err.println("usage: SearchJob MODEL_FOLDER EMBEDDINGS_PARQUET QUERY [K]");
            System.exit(2);
        }
        int k = args.length == 4 ? Integer.parseInt(args[3]) : 10;
        SparkSession spark = SparkSession.builder().appName("altclip4j: search").getOrCreate();
        float[] query;
        try (AltClip model = AltClip.load(AltClipSpark.modelFolder(args[0]))) {
            query = model.embedText(args[2]);
        }
        search(spark, args[1], query, k).show(k, false);
        spark.stop();
    }

    /** The {@code k} best rows of {@code table} for {@code query} (unit length): {@code path} and {@code score}, best first. */
    public static Dataset<Row> search(SparkSession spark, String table, float[] query, int k) {
        Dataset<Row> rows = spark.read().parquet(table).where("embedding IS NOT NULL");
        double[] q = new double[query.length]; // exact: every float is a double
        for (int i = 0; i < q.length; i++) q[i] = query[i];
        Column score = functions.expr(
                "aggregate(zip_with(embedding, q, (x, y) -> CAST(x AS DOUBLE) * y), 0D, (acc, v) -> acc + v)");
        return rows.withColumn("q", functions.lit(q))
                .select(functions.col("path"), score.as("score"))
                .orderBy(functions.col("score").desc(), functions.col("path"))
                .limit(k);
    }
}
