package io.github.altclip4j.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.altclip4j.weights.PreprocessorConfig;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Regression cases found by fuzzing (issue 12): each refused with a specific message before work is done. */
class HostileImagesTest {
    private static final Path FIXTURES = Paths.get(System.getProperty("altclip4j.fixtures"));

    @TempDir
    Path tmp;

    @Test
    void aTruncatedJpegIsRefusedAsPilRefusesIt() throws IOException {
        byte[] jpeg = Files.readAllBytes(FIXTURES.resolve("images/files/rgb_baseline_400x300.jpg"));
        byte[] cut = Arrays.copyOf(jpeg, 3000);
        assertThatThrownBy(() -> new ImageDecoder().decode(new ByteArrayInputStream(cut), "cut.jpg"))
                .isInstanceOf(ImageException.class)
                .hasMessage("cut.jpg: the image file is truncated (its data ends before the image does)");
    }

    /** A truncated progressive JPEG claiming a large size stops at the end of its data (was: seconds and gigabytes). */
    @Test
    @Timeout(20)
    void aTruncatedLargeProgressiveJpegIsRefusedWithoutDecodingWhatIsNotThere() throws IOException {
        BufferedImage img = new BufferedImage(3000, 1400, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 1400; y += 7) for (int x = 0; x < 3000; x += 13) img.setRGB(x, y, x * 31 + y * 17);
        ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam p = w.getDefaultWriteParam();
        p.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        w.setOutput(ImageIO.createImageOutputStream(out));
        w.write(null, new IIOImage(img, null, null), p);
        w.dispose();
        byte[] cut = Arrays.copyOf(out.toByteArray(), 26_000);
        assertThatThrownBy(() -> new ImageDecoder().decode(new ByteArrayInputStream(cut), "big.jpg"))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("big.jpg: the image file is truncated");
    }

    @Test
    void aStripWhoseResizeWouldExplodeIsRefusedBeforeAllocating() throws IOException {
        BufferedImage strip = new BufferedImage(1, 16384, BufferedImage.TYPE_3BYTE_BGR);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(strip, "png", png);
        RgbImage rgb = new ImageDecoder().decode(new ByteArrayInputStream(png.toByteArray()), "strip.png");
        ClipImageProcessor p =
                new ClipImageProcessor(PreprocessorConfig.read(FIXTURES.resolve("images/preprocessor_config.json")));
        assertThatThrownBy(() -> p.preprocess(List.of(rgb)))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("1x16384 resized to a shortest edge of 224 would be 224x3670016 pixels");
    }

    @Test
    void theResizeFollowsTheCallersPixelCap() throws IOException {
        RgbImage small = new ImageDecoder().decode(FIXTURES.resolve("images/files/small_64x48.png"));
        PreprocessorConfig config = PreprocessorConfig.read(FIXTURES.resolve("images/preprocessor_config.json"));
        assertThatThrownBy(() -> new ClipImageProcessor(config, 10_000).preprocess(List.of(small)))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining(
                        "64x48 resized to a shortest edge of 224 would be 298x224 pixels, more than 10000");
        assertThat(new ClipImageProcessor(config, 298 * 224)
                        .preprocess(List.of(small))
                        .shape())
                .containsExactly(1, 3, 224, 224);
    }

    @Test
    void preprocessorSizesBeyondAnyModelAreRefusedNamingTheField() throws IOException {
        for (String field : new String[] {"size", "crop_size"}) {
            Path config = tmp.resolve(field + ".json");
            Files.writeString(config, "{\"" + field + "\": 20000}");
            assertThatThrownBy(() -> PreprocessorConfig.read(config))
                    .hasMessageContaining("\"" + field + "\" must be an integer from 1 to 4096 (got 20000)");
        }
    }
}
