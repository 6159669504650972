package io.github.altclip4j.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Previews composite transparency on white; the model's pixels keep PIL's alpha-dropped values. */
class DecodeOnWhiteTest {
    @TempDir
    Path tmp;

    private final ImageDecoder decoder = new ImageDecoder();

    @Test
    void rgbaPixelsAreCompositedOnWhiteByTheirOpacity() throws Exception {
        BufferedImage img = new BufferedImage(3, 1, BufferedImage.TYPE_INT_ARGB);
        img.setRGB(0, 0, 0x00FF0000); // fully transparent red: garbage colour under alpha 0
        img.setRGB(1, 0, 0x800000FF); // blue at opacity 128
        img.setRGB(2, 0, 0xFF0A141E); // opaque (10, 20, 30)
        Path png = tmp.resolve("rgba.png");
        ImageIO.write(img, "png", png.toFile());

        // by hand: c * a / 255 + 255 * (1 - a / 255), rounded: (0, 0, 255) at 128 -> (127, 127, 255)
        assertThat(decoder.decodeOnWhite(png).pixels()).containsExactly(255, 255, 255, 127, 127, 255, 10, 20, 30);
        assertThat(decoder.decode(png).pixels()).containsExactly(255, 0, 0, 0, 0, 255, 10, 20, 30);
    }

    @Test
    void aPaletteTransparentIndexIsWhite() throws Exception {
        byte[] r = {(byte) 200, 0}, g = {(byte) 10, 0}, b = {(byte) 10, (byte) 255};
        IndexColorModel palette = new IndexColorModel(8, 2, r, g, b, 0); // index 0 transparent
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED, palette);
        img.getRaster().setSample(0, 0, 0, 0);
        img.getRaster().setSample(1, 0, 0, 1);
        Path gif = tmp.resolve("palette.gif");
        ImageIO.write(img, "gif", gif.toFile());

        assertThat(decoder.decodeOnWhite(gif).pixels()).containsExactly(255, 255, 255, 0, 0, 255);
        assertThat(decoder.decode(gif).pixels()).containsExactly(200, 10, 10, 0, 0, 255);
    }
}
