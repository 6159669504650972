package io.github.altclip4j.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.altclip4j.image.ImageDecoder;
import io.github.altclip4j.image.RgbImage;
import io.github.altclip4j.weights.SafetensorsFile;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every image PIL opens in the formats we accept decodes to PIL's {@code convert("RGB")}, byte for byte: CMYK and YCCK
 * JPEGs, ICC-tagged JPEGs (the profile ignored), PNG in every bit depth and colour type, transparency and gamma
 * ignored, GIF and BMP variants. The images and Pillow's bytes come from {@code resources/pil/make_images.py}.
 */
class PilDecodingTest {
    private static final Path PIL = resources();

    private static Path resources() {
        try {
            return Paths.get(PilDecodingTest.class
                            .getResource("/pil/expected_rgb.safetensors")
                            .toURI())
                    .getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<String> images() throws IOException {
        try (SafetensorsFile ref = SafetensorsFile.open(PIL.resolve("expected_rgb.safetensors"))) {
            return new TreeSet<>(ref.tensors().keySet()).stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("images")
    void decodesToPilsExactBytes(String file) throws IOException {
        RgbImage ours = new ImageDecoder().decode(PIL.resolve("files/" + file));
        try (SafetensorsFile ref = SafetensorsFile.open(PIL.resolve("expected_rgb.safetensors"))) {
            long[] shape = ref.tensors().get(file).shape();
            long[] pil = ref.readLongs(file);
            assertThat(new int[] {ours.height(), ours.width()})
                    .as(file + " size")
                    .containsExactly((int) shape[0], (int) shape[1]);
            int differing = 0, max = 0, first = -1;
            for (int i = 0; i < pil.length; i++) {
                int d = Math.abs((ours.pixels()[i] & 0xFF) - (int) pil[i]);
                if (d != 0) {
                    differing++;
                    if (first < 0) first = i;
                }
                max = Math.max(max, d);
            }
            String where = first < 0
                    ? ""
                    : String.format(
                            " (first at pixel %d,%d channel %d: ours %d, PIL %d)",
                            (first / 3) % ours.width(),
                            first / 3 / ours.width(),
                            first % 3,
                            ours.pixels()[first] & 0xFF,
                            pil[first]);
            assertThat(differing)
                    .as("%s: %d of %d values differ, by up to %d%s", file, differing, pil.length, max, where)
                    .isZero();
        }
    }
}
