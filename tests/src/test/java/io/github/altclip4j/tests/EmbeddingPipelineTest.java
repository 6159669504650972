package io.github.altclip4j.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.altclip4j.AltClip;
import io.github.altclip4j.ImageInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link AltClip#embedAll}: one result per image in order, a bad image's error beside the others' embeddings, and the
 * same bits whatever the batch size, the decoding threads or the source (file, bytes) of an image; label templates by
 * CLIP's recipe, checked against a double-precision mean of the template embeddings.
 */
class EmbeddingPipelineTest {
    private static AltClip clip;
    private static final Path FILES = Reference.fixtures().resolve("images/files");
    private static final List<Path> IMAGES = List.of(
            FILES.resolve("small_64x48.png"),
            FILES.resolve("rgb24_150x100.bmp"),
            FILES.resolve("gray_301x257.jpg"),
            FILES.resolve("palette_256x200.png"),
            FILES.resolve("rgb_baseline_400x300.jpg"));

    @BeforeAll
    static void load() throws Exception {
        clip = AltClip.load(
                Reference.fixtures().resolve("tiny-altclip"),
                AltClip.Options.defaults().withThreads(2));
    }

    @AfterAll
    static void close() {
        clip.close();
    }

    @Test
    void aBadImageGetsItsErrorAndTheOthersTheirEmbeddingsWhateverTheBatching(@TempDir Path tmp) throws Exception {
        Path bad = Files.writeString(tmp.resolve("bad.jpg"), "not a JPEG");
        List<ImageInput> inputs = new ArrayList<>();
        for (Path p : IMAGES.subList(0, 2)) inputs.add(ImageInput.file(p));
        inputs.add(ImageInput.file(bad));
        for (Path p : IMAGES.subList(2, IMAGES.size()))
            inputs.add(ImageInput.bytes(Files.readAllBytes(p), p.toString()));
        List<float[]> alone = clip.embedImages(IMAGES);

        List<AltClip.ImageResult> plain = clip.embedAll(inputs);
        assertThat(plain).hasSize(IMAGES.size() + 1);
        assertThat(plain.get(2).ok()).isFalse();
        assertThat(plain.get(2).error().getMessage()).contains("bad.jpg");
        assertThat(plain.get(2).name()).isEqualTo(bad.toString());
        assertThat(plain.get(0).width()).isEqualTo(64);
        assertThat(plain.get(0).height()).isEqualTo(48);
        for (AltClip.Batching b : List.of(
                AltClip.Batching.defaults().withBatch(1),
                AltClip.Batching.defaults().withBatch(2).withDecodeThreads(2),
                AltClip.Batching.defaults().withBatch(8).withDecodeThreads(1))) {
            List<AltClip.ImageResult> got = new ArrayList<>();
            List<Integer> batchSizes = new ArrayList<>();
            clip.embedAll(inputs, b, batch -> {
                got.addAll(batch.results());
                batchSizes.add(batch.results().size());
            });
            assertThat(batchSizes.get(0)).as("batch %s", b).isEqualTo(Math.min(b.batch(), inputs.size()));
            for (int i = 0, k = 0; i < inputs.size(); i++) {
                if (i == 2) {
                    assertThat(got.get(i).ok()).isFalse();
                    continue;
                }
                assertThat(got.get(i).embedding()).as("image %d, %s", i, b).isEqualTo(alone.get(k));
                assertThat(plain.get(i).embedding()).isEqualTo(alone.get(k++));
            }
        }
    }

    @Test
    void featuresMadeUnitGiveTheEmbeddingsBits() throws Exception {
        List<ImageInput> inputs = IMAGES.stream().map(ImageInput::file).toList();
        List<AltClip.ImageResult> features = new ArrayList<>();
        clip.embedAll(inputs, AltClip.Batching.defaults().withUnit(false), b -> features.addAll(b.results()));
        List<float[]> embeddings = clip.embedImages(IMAGES);
        for (int i = 0; i < IMAGES.size(); i++) {
            double norm = 0;
            for (float x : features.get(i).embedding()) norm += (double) x * x;
            assertThat(Math.abs(Math.sqrt(norm) - 1))
                    .as("features are not unit length")
                    .isGreaterThan(1e-3);
            assertThat(AltClip.unit(features.get(i).embedding())).isEqualTo(embeddings.get(i));
        }
    }

    @Test
    void labelTemplatesAreAveragedByClipsRecipe() {
        List<String> labels = List.of("猫", "a dog");
        assertThat(clip.embedLabels(labels, List.of("{}")))
                .usingRecursiveComparison()
                .isEqualTo(clip.embedTexts(labels));
        List<String> templates = List.of("a photo of {}.", "一张{}的照片。", "{}");
        List<float[]> got = clip.embedLabels(labels, templates);
        for (int l = 0; l < labels.size(); l++) {
            double[] mean = new double[got.get(l).length];
            for (String t : templates) {
                float[] e = clip.embedText(t.replace("{}", labels.get(l)));
                for (int i = 0; i < mean.length; i++) mean[i] += e[i] / (double) templates.size();
            }
            double norm = 0;
            for (double x : mean) norm += x * x;
            for (int i = 0; i < mean.length; i++)
                assertThat((double) got.get(l)[i])
                        .isCloseTo(mean[i] / Math.sqrt(norm), org.assertj.core.data.Offset.offset(1e-6));
        }
    }
}
