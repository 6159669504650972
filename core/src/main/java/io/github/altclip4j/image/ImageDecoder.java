package io.github.altclip4j.image;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes JPEG, PNG, GIF and BMP with {@code javax.imageio} and converts to RGB the way PIL's {@code convert("RGB")}
 * does for what {@code CLIPImageProcessor} is given: the raw samples are taken (no colour management: ICC profiles
 * and PNG gamma are ignored; no EXIF rotation), alpha is dropped (not blended), transparency ignored, palettes
 * expanded, grey replicated, a 16-bit grey value without alpha <em>clipped</em> to 255 (PIL opens it as 32-bit mode
 * "I"), any other 16-bit sample keeps its high byte, CMYK and YCCK JPEGs converted as PIL does ({@link JpegColour}),
 * and an animated GIF gives its first frame. WebP and TIFF are not decoded (refused as unsupported). The size is read
 * from the header and checked against a pixel cap before any pixel is decoded.
 */
public final class ImageDecoder {
    /** PIL's own decompression-bomb limit (2 x 89,478,485 pixels errors there); ours refuses above this by default. */
    public static final long DEFAULT_MAX_PIXELS = 89_478_485L;

    /** The file name extensions of the formats decoded (lower case): what folders of images are filtered by. */
    public static final Set<String> FILE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "gif", "bmp");

    /** Whether {@code file}'s name ends in one of {@link #FILE_EXTENSIONS} (any case). */
    public static boolean hasImageExtension(Path file) {
        Path name = file.getFileName();
        if (name == null) return false;
        String n = name.toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 && FILE_EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private final long maxPixels;

    public ImageDecoder(long maxPixels) {
        if (maxPixels <= 0) throw new IllegalArgumentException("pixel cap must be positive");
        this.maxPixels = maxPixels;
    }

    public ImageDecoder() {
        this(DEFAULT_MAX_PIXELS);
    }

    public RgbImage decode(Path file) throws IOException {
        return decode(file, false);
    }

    /**
     * The image as a person sees it on a white page: transparent and translucent pixels composited on white (the model
     * gets {@link #decode}'s PIL pixels, whose transparent areas keep whatever colour the file stores there). For
     * previews.
     */
    public RgbImage decodeOnWhite(Path file) throws IOException {
        return decode(file, true);
    }

    private RgbImage decode(Path file, boolean onWhite) throws IOException {
        if (!Files.isRegularFile(file)) throw new ImageException(file + ": no such image file");
        try (InputStream in = Files.newInputStream(file)) {
            return decode(in, file.toString(), onWhite);
        }
    }

    /** Decodes a stream; {@code name} is used in error messages. */
    public RgbImage decode(InputStream stream, String name) throws IOException {
        return decode(stream, name, false);
    }

    private RgbImage decode(InputStream stream, String name, boolean onWhite) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(stream)) {
            if (in == null) throw new ImageException(name + ": cannot open the image stream");
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext())
                throw new ImageException(name + ": not an image in a supported format (JPEG, PNG, GIF, BMP)");
            ImageReader reader = readers.next();
            try {
                boolean jpeg = reader.getFormatName().equalsIgnoreCase("jpeg");
                JpegColour colour = jpeg ? JpegColour.of(in) : null;
                reader.setInput(in, false, true);
                int w = reader.getWidth(0), h = reader.getHeight(0);
                if (w <= 0 || h <= 0) throw new ImageException(name + ": image header gives a size of " + w + "x" + h);
                if ((long) w * h > maxPixels) {
                    throw new ImageException(
                            name + ": " + w + "x" + h + " = " + (long) w * h + " pixels exceeds the limit of "
                                    + maxPixels + " (a decompression bomb, or raise the limit)");
                }
                boolean[] truncated = {false};
                reader.addIIOReadWarningListener((source, warning) -> {
                    // the JDK's JPEG reader says "Corrupt JPEG data: premature end of data segment" when scan data is
                    // missing
                    // (a missing EOI marker alone is only "Missing EOI marker", which PIL accepts too)
                    if (warning != null && warning.toLowerCase(Locale.ROOT).contains("premature end")) {
                        truncated[0] = true;
                        source.abort(); // no need to decode the rest: the work stays proportional to the data there is
                    }
                });
                // JPEG: the raw samples, converted as PIL does (JpegColour); the rest as decoded
                Raster raw = jpeg ? reader.readRaster(0, null) : null;
                BufferedImage img = jpeg ? null : reader.read(0);
                // PIL (LOAD_TRUNCATED_IMAGES off, as transformers leaves it) raises "image file is truncated"; so do
                // we.
                if (truncated[0])
                    throw new ImageException(
                            name + ": the image file is truncated (its data ends before the image does)");
                return jpeg ? colour.toRgb(raw, name) : toRgb(img, name, onWhite);
            } catch (ImageException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                String m = e.getMessage();
                throw new ImageException(name + ": cannot decode the image: "
                        + (e instanceof IOException && m != null
                                ? m
                                : "the file is damaged or not what its header says ("
                                        + e.getClass().getSimpleName() + (m == null ? "" : ": " + m) + ")"));
            } finally {
                reader.dispose();
            }
        }
    }

    /** A {@link BufferedImage} converted with PIL's rules (raw samples, alpha dropped). */
    public static RgbImage toRgb(BufferedImage img, String name) throws ImageException {
        return toRgb(img, name, false);
    }

    /** {@code c} seen at opacity {@code a} (0-255) over white, rounded to nearest. */
    private static int overWhite(int c, int a) {
        return (c * a + 255 * (255 - a) + 127) / 255;
    }

    /** As {@link #toRgb(BufferedImage, String)}, or with alpha composited on white ({@link #decodeOnWhite}). */
    private static RgbImage toRgb(BufferedImage img, String name, boolean onWhite) throws ImageException {
        int w = img.getWidth(), h = img.getHeight();
        Raster raster = img.getRaster();
        ColorModel cm = img.getColorModel();
        byte[] out = new byte[w * h * 3];
        int[] px = new int[raster.getNumBands()];
        if (cm instanceof IndexColorModel) {
            IndexColorModel icm = (IndexColorModel) cm;
            for (int y = 0, o = 0; y < h; y++) {
                for (int x = 0; x < w; x++, o += 3) {
                    int index = raster.getSample(x, y, 0), a = onWhite ? icm.getAlpha(index) : 255;
                    out[o] = (byte) overWhite(icm.getRed(index), a);
                    out[o + 1] = (byte) overWhite(icm.getGreen(index), a);
                    out[o + 2] = (byte) overWhite(icm.getBlue(index), a);
                }
            }
            return new RgbImage(w, h, out);
        }
        int colors = cm.getNumColorComponents();
        if (colors != 1 && colors != 3)
            throw new ImageException(
                    name + ": images with " + colors + " colour channels are not supported (only JPEGs may be CMYK)");
        boolean sixteenBit = cm.getComponentSize(0) > 8;
        // 16-bit grey alone is PIL's mode "I", clipped to 255 by convert("RGB"); with alpha PIL opens it as RGBA
        // through rawmode "LA;16B", which keeps the high byte, as for colour
        boolean clipGrey = sixteenBit && !cm.hasAlpha(), composite = onWhite && cm.hasAlpha();
        for (int y = 0, o = 0; y < h; y++) {
            for (int x = 0; x < w; x++, o += 3) {
                raster.getPixel(x, y, px);
                int a = composite ? (sixteenBit ? px[colors] >>> 8 : px[colors]) : 255;
                if (colors == 1) {
                    int v = clipGrey ? Math.min(px[0], 255) : sixteenBit ? px[0] >>> 8 : px[0];
                    out[o] = out[o + 1] = out[o + 2] = (byte) overWhite(v, a);
                } else {
                    for (int c = 0; c < 3; c++) out[o + c] = (byte) overWhite(sixteenBit ? px[c] >>> 8 : px[c], a);
                }
            }
        }
        return new RgbImage(w, h, out);
    }
}
