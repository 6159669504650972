package io.github.altclip4j.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.altclip4j.AltClip;
import io.github.altclip4j.PromptTemplates;
import io.github.altclip4j.cli.Main;
import io.github.altclip4j.formats.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code altclip eval}'s bookkeeping on small labelled sets built from the fixtures: its accuracies and recalls equal
 * the ones counted here, independently, from the API's embeddings (the tiny model is not accurate; the counting is
 * what is checked).
 */
class EvalCommandTest {
    private static final Path MODEL = Reference.fixtures().resolve("tiny-altclip");
    private static final Path FILES = Reference.fixtures().resolve("images/files");
    private static final String[][] CLASSES = {
        {"cat", "small_64x48.png", "rgb24_150x100.bmp", "gray_301x257.jpg"},
        {"dog", "rgb_baseline_400x300.jpg", "palette_256x200.png"},
        {"red_car", "gray16_300x200.png", "rgb_progressive_landscape_420x236.jpg"}
    };

    private static Map<?, ?> run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertThat(code).isZero();
        return (Map<?, ?>) Json.parse(out.toString(StandardCharsets.UTF_8).trim());
    }

    /** The rank of column {@code c} in {@code row}: columns above it, or level with it and before it. */
    private static int rank(double[] row, int c) {
        int r = 0;
        for (int j = 0; j < row.length; j++) if (row[j] > row[c] || (row[j] == row[c] && j < c)) r++;
        return r;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }

    @Test
    void zeroShotAccuracyIsCountedFromTheEmbeddings(@TempDir Path tmp) throws Exception {
        List<Path> images = new ArrayList<>();
        List<Integer> truth = new ArrayList<>();
        for (int k = 0; k < CLASSES.length; k++) {
            Path dir = Files.createDirectories(tmp.resolve("classes").resolve(CLASSES[k][0]));
            for (int i = 1; i < CLASSES[k].length; i++) {
                images.add(Files.copy(FILES.resolve(CLASSES[k][i]), dir.resolve(CLASSES[k][i])));
                truth.add(k);
            }
        }
        Files.writeString(tmp.resolve("classes/dog/broken.jpg"), "not a JPEG");
        Map<?, ?> r = run(
                "eval",
                "--model",
                MODEL.toString(),
                "--classes",
                tmp.resolve("classes").toString(),
                "--templates",
                "clip-cifar",
                "--json");

        int top1 = 0;
        try (AltClip clip = AltClip.load(MODEL, AltClip.Options.defaults().withThreads(2))) {
            List<float[]> labels = clip.embedLabels(List.of("cat", "dog", "red car"), PromptTemplates.of("clip-cifar"));
            // the eval walks class folders in name order and their images sorted
            List<Path> order = new ArrayList<>();
            List<Integer> orderTruth = new ArrayList<>();
            for (int k = 0; k < CLASSES.length; k++) {
                List<Path> mine = new ArrayList<>();
                for (int i = 0; i < images.size(); i++) if (truth.get(i) == k) mine.add(images.get(i));
                mine.sort(null);
                order.addAll(mine);
                for (Path ignored : mine) orderTruth.add(k);
            }
            List<float[]> vectors = clip.embedImages(order);
            for (int i = 0; i < vectors.size(); i++) {
                double[] row = new double[labels.size()];
                for (int l = 0; l < row.length; l++) row[l] = dot(vectors.get(i), labels.get(l));
                int rk = rank(row, orderTruth.get(i));
                if (rk < 1) top1++;
            }
        }
        assertThat(((Number) r.get("images")).intValue()).isEqualTo(7);
        assertThat(((Number) r.get("failed")).intValue()).isEqualTo(1);
        assertThat(((Number) r.get("classes")).intValue()).isEqualTo(3);
        assertThat(((Number) r.get("templates")).intValue()).isEqualTo(18);
        assertThat(((Number) r.get("top1")).doubleValue()).isEqualTo(top1 / 7.0);
        assertThat(((Number) r.get("top5")).doubleValue()).isEqualTo(1.0); // 3 classes: always within 5
    }

    @Test
    void retrievalRecallIsCountedBothWays(@TempDir Path tmp) throws Exception {
        String[][] pairs = {
            {"small_64x48.png", "一只猫"},
            {"small_64x48.png", "a small picture"},
            {"rgb24_150x100.bmp", "a red car in the snow"},
            {"gray_301x257.jpg", "a grey photo"},
            {"rgb_baseline_400x300.jpg", "a dog on a beach"},
            {"rgb_baseline_400x300.jpg", "海滩上的狗"}
        };
        StringBuilder lines = new StringBuilder();
        for (String[] p : pairs)
            lines.append("images/").append(p[0]).append('\t').append(p[1]).append('\n');
        Files.createDirectories(tmp.resolve("images"));
        for (String f : List.of("small_64x48.png", "rgb24_150x100.bmp", "gray_301x257.jpg", "rgb_baseline_400x300.jpg"))
            Files.copy(FILES.resolve(f), tmp.resolve("images").resolve(f));
        Path captions = Files.writeString(tmp.resolve("captions.tsv"), lines.toString());
        Map<?, ?> r = run("eval", "--model", MODEL.toString(), "--captions", captions.toString(), "--json");

        List<String> imageNames =
                List.of("small_64x48.png", "rgb24_150x100.bmp", "gray_301x257.jpg", "rgb_baseline_400x300.jpg");
        try (AltClip clip = AltClip.load(MODEL, AltClip.Options.defaults().withThreads(2))) {
            List<float[]> im = clip.embedImages(imageNames.stream()
                    .map(n -> tmp.resolve("images").resolve(n))
                    .toList());
            List<String> texts = new ArrayList<>();
            for (String[] p : pairs) texts.add(p[1]);
            List<float[]> tx = clip.embedTexts(texts);
            int t2i1 = 0, i2t1 = 0;
            for (int t = 0; t < pairs.length; t++) {
                double[] row = new double[im.size()];
                for (int i = 0; i < row.length; i++) row[i] = dot(tx.get(t), im.get(i));
                if (rank(row, imageNames.indexOf(pairs[t][0])) == 0) t2i1++;
            }
            for (int i = 0; i < im.size(); i++) {
                double[] row = new double[tx.size()];
                for (int t = 0; t < row.length; t++) row[t] = dot(im.get(i), tx.get(t));
                int best = Integer.MAX_VALUE;
                for (int t = 0; t < pairs.length; t++)
                    if (pairs[t][0].equals(imageNames.get(i))) best = Math.min(best, rank(row, t));
                if (best == 0) i2t1++;
            }
            Map<?, ?> t2i = (Map<?, ?>) r.get("text_to_image"), i2t = (Map<?, ?>) r.get("image_to_text");
            assertThat(((Number) t2i.get("r1")).doubleValue()).isEqualTo(t2i1 / 6.0);
            assertThat(((Number) i2t.get("r1")).doubleValue()).isEqualTo(i2t1 / 4.0);
            assertThat(((Number) t2i.get("r5")).doubleValue()).isEqualTo(1.0); // 4 images: always within 5
            assertThat(((Number) r.get("images")).intValue()).isEqualTo(4);
            assertThat(((Number) r.get("captions")).intValue()).isEqualTo(6);
        }
    }
}
