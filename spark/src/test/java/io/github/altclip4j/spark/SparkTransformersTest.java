package io.github.altclip4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.altclip4j.AltClip;
import io.github.altclip4j.spark.examples.EmbedFolderJob;
import io.github.altclip4j.spark.examples.SearchJob;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transformers in Spark's local mode (2 cores) on the tiny fixture model, against {@link AltClip}'s own results
 * for the same inputs: equal bit for bit, since a row's embedding does not depend on its batch or thread count.
 */
class SparkTransformersTest {
    private static final Path FIXTURES = Paths.get(System.getProperty("altclip4j.fixtures", "../fixtures"));
    private static final Path MODEL = FIXTURES.resolve("tiny-altclip");
    private static final Path IMAGES = FIXTURES.resolve("images/files");

    private static SparkSession spark;
    private static AltClip clip;

    @TempDir
    static Path tmp;
    /** The fixture images plus one file that is not an image. */
    private static Path photos;

    @BeforeAll
    static void start() throws IOException {
        spark = SparkSession.builder()
                .master("local[2]")
                .appName("altclip4j-spark tests")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
        clip = AltClip.load(MODEL);
        photos = Files.createDirectories(tmp.resolve("photos"));
        try (Stream<Path> files = Files.list(IMAGES)) {
            for (Path f : (Iterable<Path>) files::iterator) Files.copy(f, photos.resolve(f.getFileName()));
        }
        Files.writeString(photos.resolve("not_an_image.jpg"), "this is text, not a JPEG");
    }

    @AfterAll
    static void stop() {
        clip.close();
        spark.stop();
    }

    private static Map<String, Row> byFileName(Dataset<Row> rows) {
        Map<String, Row> out = new HashMap<>();
        for (Row r : rows.collectAsList())
            out.put(
                    Paths.get(r.<String>getAs("path").replaceFirst("^file:", ""))
                            .getFileName()
                            .toString(),
                    r);
        return out;
    }

    private static float[] floats(Row row, String column) {
        List<Object> list = row.getList(row.fieldIndex(column));
        float[] out = new float[list.size()];
        for (int i = 0; i < out.length; i++) out[i] = (Float) list.get(i);
        return out;
    }

    @Test
    void imageEmbeddingsEqualAltClipsForEveryFormatAndBadFilesLandInTheErrorColumn() throws IOException {
        Dataset<Row> files = AltClipSpark.readImages(spark, photos.toString()).repartition(4);
        int loadsBefore = ModelCache.loads();
        // one thread: a model key no other test uses, so this test sees its own loads
        Dataset<Row> embedded = AltClipSpark.embedImages(
                files, MODEL.toString(), e -> e.setBatchSize(3).setThreads(1));
        Map<String, Row> rows = byFileName(embedded);
        assertThat(rows).hasSize(13);
        for (Map.Entry<String, Row> e : rows.entrySet()) {
            if (e.getKey().equals("not_an_image.jpg")) continue;
            float[] expected =
                    clip.embedImages(List.of(IMAGES.resolve(e.getKey()))).get(0);
            assertThat(e.getValue().<String>getAs("error")).as(e.getKey()).isNull();
            assertThat(floats(e.getValue(), "embedding")).as(e.getKey()).containsExactly(expected);
        }
        Row bad = rows.get("not_an_image.jpg");
        assertThat(bad.isNullAt(bad.fieldIndex("embedding"))).isTrue();
        assertThat(bad.<String>getAs("error"))
                .contains("not_an_image.jpg")
                .contains("not an image in a supported format");

        // four partitions on two task threads, one model load; a second job with the same settings loads nothing
        assertThat(ModelCache.loads()).isEqualTo(loadsBefore + 1);
        assertThat(new AltClipImageEmbedder()
                        .setModelPath(MODEL.toString())
                        .setThreads(1)
                        .transform(files)
                        .count())
                .isEqualTo(13);
        assertThat(ModelCache.loads()).isEqualTo(loadsBefore + 1);

        // the raw projection, before normalisation
        Row raw = byFileName(new AltClipImageEmbedder()
                        .setModelPath(MODEL.toString())
                        .setNormalize(false)
                        .transform(files))
                .get("small_64x48.png");
        float[] features = clip.imageFeatures(List.of(clip.prepare(IMAGES.resolve("small_64x48.png"))))
                .get(0);
        assertThat(floats(raw, "embedding")).containsExactly(features);
    }

    @Test
    void sparksImageStructIsEmbeddedAsTheSameDecodedPixels() throws IOException {
        Dataset<Row> images = spark.read()
                .format("image")
                .load(
                        IMAGES.resolve("small_64x48.png").toString(),
                        IMAGES.resolve("rgba_320x240.png").toString(),
                        IMAGES.resolve("gray_portrait_199x333.png").toString());
        List<Row> rows = new AltClipImageEmbedder()
                .setModelPath(MODEL.toString())
                .setInputCol("image")
                .transform(images)
                .collectAsList();
        assertThat(rows).hasSize(3);
        for (Row r : rows) {
            String origin = r.getStruct(r.fieldIndex("image")).getAs("origin");
            File file = new File(origin.replaceFirst("^file:", ""));
            float[] expected = clip.embedImage(ImageIO.read(file)); // the same decoder Spark's image source uses
            assertThat(r.<String>getAs("error")).as(origin).isNull();
            assertThat(floats(r, "embedding")).as(origin).containsExactly(expected);
        }
    }

    @Test
    void textEmbeddingsEqualAltClipsInEveryLanguageAndNullStaysNull() {
        List<String> texts = List.of("a photo of a cat", "一只在沙发上睡觉的猫", "ein rotes Auto im Schnee", "", "猫".repeat(500));
        List<Row> input = new ArrayList<>();
        for (String t : texts) input.add(RowFactory.create(t));
        input.add(RowFactory.create((Object) null));
        StructType schema = new StructType().add("text", DataTypes.StringType, true);
        Dataset<Row> df = spark.createDataFrame(input, schema).repartition(3);

        Map<String, float[]> got = new HashMap<>();
        int nulls = 0;
        for (Row r : AltClipSpark.embedTexts(df, "text", MODEL.toString()).collectAsList()) {
            if (r.isNullAt(0)) {
                assertThat(r.isNullAt(1)).isTrue();
                nulls++;
            } else {
                got.put(r.getString(0), floats(r, "embedding"));
            }
        }
        assertThat(nulls).isEqualTo(1);
        List<float[]> expected = clip.embedTexts(texts);
        for (int i = 0; i < texts.size(); i++)
            assertThat(got.get(texts.get(i))).as(texts.get(i)).containsExactly(expected.get(i));

        Row raw = new AltClipTextEmbedder()
                .setModelPath(MODEL.toString())
                .setNormalize(false)
                .transform(df.where("text = 'a photo of a cat'"))
                .first();
        assertThat(floats(raw, "embedding"))
                .containsExactly(clip.textFeatures(List.of("a photo of a cat")).get(0));
    }

    @Test
    void zeroShotProbabilitiesEqualAltClipsClassifyAndTemplatesFollowClipsRecipe() throws IOException {
        List<String> labels = List.of("a cat", "a dog", "一辆红色的汽车");
        Dataset<Row> files = AltClipSpark.readImages(spark, photos.toString());
        AltClipZeroShotClassifier classifier =
                new AltClipZeroShotClassifier().setModelPath(MODEL.toString()).setLabels(labels.toArray(new String[0]));
        Map<String, Row> rows = byFileName(classifier.transform(files));
        for (String file : List.of("rgb_baseline_400x300.jpg", "palette_256x200.png", "animated_240x180.gif")) {
            List<AltClip.Label> expected = clip.classify(IMAGES.resolve(file), labels);
            Row r = rows.get(file);
            assertThat(r.<String>getAs("label")).isEqualTo(expected.get(0).text());
            float[] p = floats(r, "probabilities");
            for (AltClip.Label l : expected)
                assertThat(p[labels.indexOf(l.text())])
                        .as(file + " " + l.text())
                        .isEqualTo(l.probability());
        }
        assertThat(rows.get("not_an_image.jpg").<String>getAs("error")).contains("not_an_image.jpg");

        // two templates: each label's embedding is the normalised mean of the prompts' unit embeddings (in double here)
        String[] templates = {"a photo of {}.", "一张{}的照片。"};
        Row two =
                byFileName(classifier.setTemplates(templates).transform(files)).get("rgb_baseline_400x300.jpg");
        List<float[]> labelEmbeddings = new ArrayList<>();
        for (String label : labels) {
            List<float[]> prompts =
                    clip.embedTexts(List.of(templates[0].replace("{}", label), templates[1].replace("{}", label)));
            double[] mean = new double[prompts.get(0).length];
            for (float[] e : prompts) for (int i = 0; i < mean.length; i++) mean[i] += e[i] / 2.0;
            double norm = 0;
            for (double v : mean) norm += v * v;
            float[] unit = new float[mean.length];
            for (int i = 0; i < mean.length; i++) unit[i] = (float) (mean[i] / Math.sqrt(norm));
            labelEmbeddings.add(unit);
        }
        float[] image = clip.embedImages(List.of(IMAGES.resolve("rgb_baseline_400x300.jpg")))
                .get(0);
        float[] p = floats(two, "probabilities");
        for (AltClip.Label l : clip.rank(image, labels, labelEmbeddings)) {
            assertThat((double) p[labels.indexOf(l.text())])
                    .as(l.text())
                    .isCloseTo(l.probability(), Offset.offset(1e-5));
        }
    }

    @Test
    void aSavedAndReloadedPipelineGivesTheSameEmbeddings(@TempDir Path saved) throws IOException {
        Dataset<Row> files = AltClipSpark.readImages(spark, IMAGES.toString());
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
            new AltClipImageEmbedder()
                    .setModelPath(MODEL.toString())
                    .setBatchSize(5)
                    .setOutputCol("image_embedding"),
            new AltClipZeroShotClassifier()
                    .setModelPath(MODEL.toString())
                    .setLabels("a cat", "一只狗")
                    .setTemplates("{}", "a photo of {}")
                    .setErrorCol("classify_error")
        });
        PipelineModel fitted = pipeline.fit(files);
        fitted.write().overwrite().save(saved.toString());
        PipelineModel loaded = PipelineModel.load(saved.toString());

        AltClipImageEmbedder embedder = (AltClipImageEmbedder) loaded.stages()[0];
        assertThat(embedder.getBatchSize()).isEqualTo(5);
        assertThat(embedder.getOutputCol()).isEqualTo("image_embedding");
        assertThat(((AltClipZeroShotClassifier) loaded.stages()[1]).getTemplates())
                .containsExactly("{}", "a photo of {}");
        Map<String, Row> before = byFileName(fitted.transform(files)), after = byFileName(loaded.transform(files));
        assertThat(after.keySet()).isEqualTo(before.keySet()).hasSize(12);
        for (String f : before.keySet()) {
            assertThat(floats(after.get(f), "image_embedding"))
                    .as(f)
                    .containsExactly(floats(before.get(f), "image_embedding"));
            assertThat(floats(after.get(f), "probabilities"))
                    .as(f)
                    .containsExactly(floats(before.get(f), "probabilities"));
        }
    }

    @Test
    void misconfigurationIsReportedNamingTheSettingOrColumn() {
        Dataset<Row> files = AltClipSpark.readImages(spark, photos.toString());
        assertThatThrownBy(() -> new AltClipImageEmbedder().transform(files))
                .hasMessageContaining("setModelPath is not set");
        assertThatThrownBy(() -> new AltClipImageEmbedder()
                        .setModelPath("m")
                        .setInputCol("path")
                        .transform(files))
                .hasMessageContaining("column \"path\" is string");
        assertThatThrownBy(() -> new AltClipImageEmbedder()
                        .setModelPath("m")
                        .setInputCol("pixels")
                        .transform(files))
                .hasMessageContaining("no column \"pixels\"");
        assertThatThrownBy(() -> new AltClipImageEmbedder().setWeights("int4")).hasMessageContaining("int4");
        assertThatThrownBy(
                        () -> new AltClipZeroShotClassifier().setModelPath("m").transform(files))
                .hasMessageContaining("setLabels");
        assertThatThrownBy(() -> new AltClipZeroShotClassifier()
                        .setModelPath("m")
                        .setLabels("cat")
                        .setTemplates("a photo")
                        .transform(files))
                .hasMessageContaining("no {} for the label");
        assertThatThrownBy(() -> new AltClipImageEmbedder()
                        .setModelPath(tmp.resolve("nowhere").toString())
                        .transform(files)
                        .count())
                .hasMessageContaining("no model folder")
                .hasMessageContaining("--archives");
        assertThatThrownBy(() -> new AltClipImageEmbedder()
                        .setModelPath(MODEL.toString())
                        .setFailOnError(true)
                        .transform(files)
                        .count())
                .hasMessageContaining("not_an_image.jpg");
    }

    @Test
    void theExampleJobsWriteParquetAndRankItAgainstAQuery(@TempDir Path out) throws IOException {
        String table = out.resolve("embeddings.parquet").toString();
        EmbedFolderJob.run(spark, MODEL.toString(), photos.toString(), table, "as-stored");
        Map<String, Row> rows = byFileName(spark.read().parquet(table));
        assertThat(rows).hasSize(13);
        assertThat(rows.get("not_an_image.jpg").<String>getAs("error")).contains("not an image in a supported format");
        Map<String, Double> expected = new HashMap<>();
        float[] query = clip.embedText("一只猫");
        for (String f : rows.keySet()) {
            if (f.equals("not_an_image.jpg")) continue;
            float[] image = clip.embedImages(List.of(IMAGES.resolve(f))).get(0);
            assertThat(floats(rows.get(f), "embedding")).as(f).containsExactly(image);
            double dot = 0;
            for (int i = 0; i < image.length; i++) dot += (double) image[i] * query[i];
            expected.put(f, dot);
        }
        List<Row> top = SearchJob.search(spark, table, query, 5).collectAsList();
        List<String> best = expected.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()))
                .limit(5)
                .map(Map.Entry::getKey)
                .toList();
        assertThat(top).hasSize(5);
        for (int i = 0; i < 5; i++) {
            String file = Paths.get(top.get(i).getString(0).replaceFirst("^file:", ""))
                    .getFileName()
                    .toString();
            assertThat(file).isEqualTo(best.get(i));
            assertThat(top.get(i).getDouble(1)).isCloseTo(expected.get(file), Offset.offset(1e-12));
        }
    }
}
