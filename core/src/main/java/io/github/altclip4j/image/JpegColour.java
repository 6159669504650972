package io.github.altclip4j.image;

import java.awt.image.Raster;
import java.io.EOFException;
import java.io.IOException;
import javax.imageio.stream.ImageInputStream;

/**
 * A JPEG's colour as PIL sees it. {@code javax.imageio} decodes the samples (the same IDCT and chroma upsampling as
 * libjpeg-turbo), read raw with {@code readRaster}; the colour conversion is done here, because the JDK's own would
 * apply an embedded ICC profile (PIL ignores profiles: the stored values are used) and refuses 4-channel JPEGs.
 *
 * <ol>
 *   <li>The colour space is libjpeg-turbo's guess ({@code jdapimin.c}, {@code default_decompress_parms}): 1 channel
 *   grey; 3 channels YCbCr if there is a JFIF marker, else by the Adobe marker's transform (0 RGB, otherwise YCbCr),
 *   else RGB only for component ids 'R','G','B'; 4 channels YCCK if an Adobe marker says transform 2 (or anything
 *   but 0), otherwise CMYK.</li>
 *   <li>YCbCr and YCCK to RGB with libjpeg's fixed-point tables ({@code jdcolor.c}, {@code build_ycc_rgb_table});
 *   YCCK becomes CMYK as {@code ycck_cmyk_convert} does (the YCC part inverted, K as stored).</li>
 *   <li>PIL reads every CMYK JPEG as Adobe-inverted ({@code JpegImagePlugin}: rawmode {@code "CMYK;I"}), then
 *   {@code convert("RGB")} is {@code cmyk2rgb} of {@code Convert.c}: {@code R = nk - nk * C' / 255} with
 *   {@code nk = 255 - K'}, rounded as its {@code MULDIV255}, for the inverted values {@code C' = 255 - C}.</li>
 * </ol>
 */
enum JpegColour {
    GREY,
    YCBCR,
    RGB,
    CMYK,
    YCCK;
    private static final int SCALEBITS = 16, ONE_HALF = 1 << (SCALEBITS - 1);
    private static final int[] CR_R = new int[256], CB_B = new int[256], CR_G = new int[256], CB_G = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int x = i - 128;
            CR_R[i] = (fix(1.40200) * x + ONE_HALF) >> SCALEBITS;
            CB_B[i] = (fix(1.77200) * x + ONE_HALF) >> SCALEBITS;
            CR_G[i] = -fix(0.71414) * x;
            CB_G[i] = -fix(0.34414) * x + ONE_HALF;
        }
    }

    private static int fix(double v) {
        return (int) (v * (1L << SCALEBITS) + 0.5);
    }

    /**
     * Reads the markers before the first scan and returns the stream to where it was. A header too damaged to say is
     * taken as YCbCr (libjpeg's default for 3 channels); the decoder then reports what is wrong with it.
     */
    static JpegColour of(ImageInputStream in) throws IOException {
        in.mark();
        try {
            return scan(in);
        } catch (EOFException e) {
            return YCBCR;
        } finally {
            in.reset();
        }
    }

    private static JpegColour scan(ImageInputStream in) throws IOException {
        if (in.readUnsignedShort() != 0xFFD8) return YCBCR;
        boolean jfif = false;
        int adobeTransform = -1;
        while (true) {
            int b = in.readUnsignedByte();
            if (b != 0xFF) continue; // not at a marker: skip (libjpeg warns and resyncs)
            int marker = in.readUnsignedByte();
            while (marker == 0xFF) marker = in.readUnsignedByte(); // fill bytes
            if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) continue; // no length
            if (marker == 0xD9 || marker == 0xDA) return YCBCR; // EOI or a scan before any frame header
            int length = in.readUnsignedShort() - 2;
            if (length < 0) return YCBCR;
            long next = in.getStreamPosition() + length;
            if (marker == 0xE0 && length >= 5) {
                byte[] id = new byte[5];
                in.readFully(id);
                jfif |= id[0] == 'J' && id[1] == 'F' && id[2] == 'I' && id[3] == 'F' && id[4] == 0;
            } else if (marker == 0xEE && length >= 12) {
                byte[] app14 = new byte[12];
                in.readFully(app14);
                if (app14[0] == 'A' && app14[1] == 'd' && app14[2] == 'o' && app14[3] == 'b' && app14[4] == 'e')
                    adobeTransform = app14[11] & 0xFF;
            } else if (isFrameHeader(marker) && length >= 6) {
                in.skipBytes(5); // precision, height, width
                int components = in.readUnsignedByte();
                int[] ids = new int[components];
                for (int c = 0; c < components && c < 3; c++) {
                    ids[c] = in.readUnsignedByte();
                    in.skipBytes(2); // sampling factors, quantisation table
                }
                return guess(components, jfif, adobeTransform, ids);
            }
            in.seek(next);
        }
    }

    /** SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC). */
    private static boolean isFrameHeader(int marker) {
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    }

    private static JpegColour guess(int components, boolean jfif, int adobeTransform, int[] ids) {
        switch (components) {
            case 1:
                return GREY;
            case 3:
                if (jfif) return YCBCR;
                if (adobeTransform >= 0) return adobeTransform == 0 ? RGB : YCBCR;
                return ids[0] == 'R' && ids[1] == 'G' && ids[2] == 'B' ? RGB : YCBCR;
            case 4:
                return adobeTransform > 0 ? YCCK : CMYK;
            default:
                return YCBCR; // the decoder refuses other channel counts
        }
    }

    /** The raw samples of a {@code readRaster} as RGB, by PIL's rules for this colour space. */
    RgbImage toRgb(Raster raw, String name) throws ImageException {
        int w = raw.getWidth(), h = raw.getHeight(), bands = raw.getNumBands();
        int expected = this == GREY ? 1 : this == CMYK || this == YCCK ? 4 : 3;
        if (bands != expected) throw new ImageException(name + ": a JPEG of " + bands + " channels read as " + this);
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        int[] row = new int[w * bands];
        for (int y = 0, o = 0; y < h; y++) {
            raw.getPixels(raw.getMinX(), raw.getMinY() + y, w, 1, row);
            for (int x = 0, i = 0; x < w; x++, i += bands, o += 3) {
                switch (this) {
                    case GREY:
                        out[o] = out[o + 1] = out[o + 2] = (byte) row[i];
                        break;
                    case RGB:
                        out[o] = (byte) row[i];
                        out[o + 1] = (byte) row[i + 1];
                        out[o + 2] = (byte) row[i + 2];
                        break;
                    case YCBCR:
                        ycc(row[i], row[i + 1], row[i + 2], out, o);
                        break;
                    case YCCK:
                        // ycck_cmyk_convert gives C = 255 - R(ycc); PIL's inversion makes that R(ycc) again
                        ycc(row[i], row[i + 1], row[i + 2], out, o);
                        cmykToRgb(out[o] & 0xFF, out[o + 1] & 0xFF, out[o + 2] & 0xFF, row[i + 3], out, o);
                        break;
                    case CMYK:
                        cmykToRgb(255 - row[i], 255 - row[i + 1], 255 - row[i + 2], row[i + 3], out, o);
                        break;
                    default:
                        throw new AssertionError(this);
                }
            }
        }
        return new RgbImage(w, h, out);
    }

    private static void ycc(int y, int cb, int cr, byte[] out, int o) {
        out[o] = clamp(y + CR_R[cr]);
        out[o + 1] = clamp(y + ((CB_G[cb] + CR_G[cr]) >> SCALEBITS));
        out[o + 2] = clamp(y + CB_B[cb]);
    }

    /**
     * PIL's {@code cmyk2rgb} on the inverted values {@code c, m, ye} and the stored {@code k} (so {@code nk = k}:
     * PIL's K is {@code 255 - k} and its {@code nk} is {@code 255 - K}).
     */
    private static void cmykToRgb(int c, int m, int ye, int k, byte[] out, int o) {
        out[o] = clamp(k - mulDiv255(c, k));
        out[o + 1] = clamp(k - mulDiv255(m, k));
        out[o + 2] = clamp(k - mulDiv255(ye, k));
    }

    /** Pillow's {@code MULDIV255(a, b)}: {@code a * b / 255} rounded, without a division. */
    private static int mulDiv255(int a, int b) {
        int t = a * b + 128;
        return ((t >> 8) + t) >> 8;
    }

    private static byte clamp(int v) {
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }
}
