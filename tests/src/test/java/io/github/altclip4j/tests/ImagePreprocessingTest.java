package io.github.altclip4j.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.altclip4j.formats.Json;
import io.github.altclip4j.image.ClipImageProcessor;
import io.github.altclip4j.image.ImageDecoder;
import io.github.altclip4j.image.ImageException;
import io.github.altclip4j.image.RgbImage;
import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.weights.PreprocessorConfig;
import io.github.altclip4j.weights.SafetensorsFile;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Image decoding and CLIPImageProcessor against PIL + transformers (fixtures/images): lossless files decode to the
 * reference bytes (SHA-256) and preprocess to the reference pixel_values within 1e-6; JPEG decoding is compared with
 * libjpeg-turbo's output (the max and mean difference are printed), and preprocessing of the reference decode must
 * match as for lossless files.
 */
class ImagePreprocessingTest {
    private static final Path IMAGES = Reference.fixtures().resolve("images");

    @SuppressWarnings("unchecked")
    static Stream<Map<String, Object>> images() throws IOException {
        Map<String, Object> index = (Map<String, Object>) Json.parse(Files.readAllBytes(IMAGES.resolve("index.json")));
        return ((List<Map<String, Object>>) (List<?>) index.get("images")).stream();
    }

    private static ClipImageProcessor processor() throws IOException {
        return new ClipImageProcessor(PreprocessorConfig.read(IMAGES.resolve("preprocessor_config.json")));
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private static void assertPixelValues(String file, FloatTensor ours) throws IOException {
        try (SafetensorsFile ref = SafetensorsFile.open(IMAGES.resolve("expected/pixel_values.safetensors"))) {
            float[] expected = ref.readFloat(file).toArray(), got = ours.toArray();
            assertThat(got).hasSize(expected.length);
            double max = 0;
            for (int i = 0; i < got.length; i++) max = Math.max(max, Math.abs(got[i] - expected[i]));
            assertThat(max).as("%s pixel_values max |diff|", file).isLessThanOrEqualTo(1e-6);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("images")
    void decodesAndPreprocessesLikePilAndTransformers(Map<String, Object> image) throws Exception {
        String file = (String) image.get("file"), format = (String) image.get("format");
        RgbImage decoded = new ImageDecoder().decode(IMAGES.resolve("files/" + file));
        List<?> hw = (List<?>) image.get("decoded_hw");
        assertThat(decoded.height()).isEqualTo(((Long) hw.get(0)).intValue());
        assertThat(decoded.width()).isEqualTo(((Long) hw.get(1)).intValue());
        if (!format.equals("JPEG")) {
            assertThat(sha256(decoded.pixels())).as("%s decoded RGB", file).isEqualTo(image.get("decoded_rgb_sha256"));
            assertPixelValues(file, processor().preprocess(List.of(decoded)));
            return;
        }
        try (SafetensorsFile ref = SafetensorsFile.open(IMAGES.resolve("expected/decoded_rgb.safetensors"))) {
            boolean whole = ref.tensors().containsKey(file);
            String key = whole ? file : file + "#center256";
            long[] pil = ref.readLongs(key);
            long[] shape = ref.tensors().get(key).shape();
            int h = (int) shape[0],
                    w = (int) shape[1],
                    top = (decoded.height() - h) / 2,
                    left = (decoded.width() - w) / 2;
            int max = 0;
            byte[] pilBytes = new byte[pil.length];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int c = 0; c < 3; c++) {
                        int i = (y * w + x) * 3 + c,
                                d =
                                        Math.abs((decoded.pixels()[((top + y) * decoded.width() + left + x) * 3 + c]
                                                        & 0xFF)
                                                - (int) pil[i]);
                        pilBytes[i] = (byte) pil[i];
                        max = Math.max(max, d);
                    }
                }
            }
            // javax.imageio's libjpeg has libjpeg-turbo's IDCT (islow) and chroma upsampling (fancy), and the colour
            // conversion is libjpeg's own (JpegColour): the same bytes
            assertThat(max).as("%s max decode difference", file).isZero();
            if (whole) assertPixelValues(file, processor().preprocess(List.of(new RgbImage(w, h, pilBytes))));
            assertPixelValues(file, processor().preprocess(List.of(decoded))); // and end to end from the file
        }
    }

    @Test
    void hostileAndBrokenImagesFailCleanlyNamingTheFile() throws Exception {
        // a PNG whose header claims 100000 x 100000 pixels: refused from the header, nothing decoded
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), "png", png);
        byte[] b = png.toByteArray();
        ByteBuffer.wrap(b).putInt(16, 100_000).putInt(20, 100_000); // IHDR width, height (CRC now wrong)
        assertThatThrownBy(() -> new ImageDecoder().decode(new ByteArrayInputStream(b), "huge.png"))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("huge.png")
                .hasMessageContaining("exceeds the limit");
        assertThatThrownBy(() -> new ImageDecoder(100).decode(IMAGES.resolve("files/small_64x48.png")))
                .hasMessageContaining("3072 pixels exceeds the limit of 100");
        byte[] jpeg = Files.readAllBytes(IMAGES.resolve("files/rgb_baseline_400x300.jpg"));
        assertThatThrownBy(
                        () -> new ImageDecoder().decode(new ByteArrayInputStream(Arrays.copyOf(jpeg, 300)), "cut.jpg"))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("cut.jpg");
        assertThatThrownBy(() ->
                        new ImageDecoder().decode(new ByteArrayInputStream("not an image".getBytes()), "text.png"))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("text.png: not an image");
        assertThatThrownBy(() -> new ImageDecoder().decode(IMAGES.resolve("files/missing.png")))
                .hasMessageContaining("no such image file");
    }
}
