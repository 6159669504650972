package io.github.altclip4j.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.altclip4j.model.AltClipModel;
import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.tensor.ThreadPool;
import io.github.altclip4j.tools.RandomModel;
import io.github.altclip4j.weights.StoredType;
import io.github.altclip4j.weights.WeightFormat;
import java.io.PrintStream;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code random-model} writes its own list of tensor names (frozen: the full-size fixture records the sha256 of its
 * output), so this checks that the list is exactly what the model binds: a small model of each geometry loads with no
 * tensor missing, none left over, and gives finite outputs.
 */
class RandomModelTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"quick_gelu", "gelu"})
    void everyWrittenTensorIsBoundAndNoneIsMissing(String visionAct) throws Exception {
        RandomModel.Shapes small =
                new RandomModel.Shapes(250002 / 1000, 32, 2, 4, 64, 40, 24, 48, 2, 4, 96, 28, 7, 16, visionAct);
        Path dir = tmp.resolve(visionAct);
        RandomModel.write(
                small,
                Reference.fixtures().resolve("tiny-altclip"),
                dir,
                StoredType.F32,
                0,
                new PrintStream(PrintStream.nullOutputStream()));
        AltClipModel m = AltClipModel.load(dir, WeightFormat.AS_STORED, unused -> {
            throw new AssertionError(unused);
        });
        try (ThreadPool pool = new ThreadPool(1)) {
            float[] text = m.textFeatures(pool, new int[][] {{0, 100, 2}}, new int[][] {{1, 1, 1}})
                    .features()
                    .toArray();
            float[] image = m.imageFeatures(pool, FloatTensor.zeros(1, 3, 28, 28))
                    .features()
                    .toArray();
            assertThat(text).hasSize(16);
            assertThat(image).hasSize(16);
            for (int i = 0; i < 16; i++) {
                assertThat(Float.isFinite(text[i]) && Float.isFinite(image[i]))
                        .as("feature %d finite", i)
                        .isTrue();
            }
        }
    }
}
