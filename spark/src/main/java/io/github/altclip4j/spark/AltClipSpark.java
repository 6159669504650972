package io.github.altclip4j.spark;

import io.github.altclip4j.image.ImageDecoder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** For jobs without ML pipelines: read a folder of images, embed images or texts, in one call each. */
public final class AltClipSpark {
    private AltClipSpark() {}

    /**
     * Every image file under {@code folderOrGlob} (recursively; the extensions {@code altclip index} reads, any case)
     * as {@code binaryFile} rows: {@code path}, {@code modificationTime}, {@code length}, {@code content}.
     */
    public static Dataset<Row> readImages(SparkSession spark, String folderOrGlob) {
        TreeSet<String> extensions = new TreeSet<>();
        for (String e : ImageDecoder.FILE_EXTENSIONS) {
            extensions.add(e.toLowerCase(Locale.ROOT));
            extensions.add(e.toUpperCase(Locale.ROOT));
        }
        return spark.read()
                .format("binaryFile")
                .option("recursiveFileLookup", "true")
                .option("pathGlobFilter", "*.{" + String.join(",", extensions) + "}")
                .load(folderOrGlob);
    }

    /** {@code images} (a {@code content} column, as {@link #readImages} gives) with {@code embedding} and {@code error}. */
    public static Dataset<Row> embedImages(Dataset<Row> images, String modelPath) {
        return embedImages(images, modelPath, UnaryOperator.identity());
    }

    /** The same with the embedder's settings changed, e.g. {@code e -> e.setWeights("int8").setBatchSize(16)}. */
    public static Dataset<Row> embedImages(
            Dataset<Row> images, String modelPath, UnaryOperator<AltClipImageEmbedder> settings) {
        return settings.apply(new AltClipImageEmbedder().setModelPath(modelPath))
                .transform(images);
    }

    /**
     * Where a model folder is on this machine: the path itself, or, for a relative one, where
     * {@code spark-submit --archives model.tgz#NAME} unpacked it (what the transformers look up on the executors).
     */
    public static Path modelFolder(String path) throws IOException {
        return ModelCache.folder(path);
    }

    /** {@code texts} with the {@code embedding} of its column {@code textColumn}. */
    public static Dataset<Row> embedTexts(Dataset<Row> texts, String textColumn, String modelPath) {
        return new AltClipTextEmbedder()
                .setModelPath(modelPath)
                .setInputCol(textColumn)
                .transform(texts);
    }
}
