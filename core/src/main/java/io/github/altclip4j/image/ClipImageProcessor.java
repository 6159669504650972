package io.github.altclip4j.image;

import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.weights.PreprocessorConfig;
import java.util.List;

/**
 * transformers' {@code CLIPImageProcessor} (v4.36) for RGB images: resize so the shortest edge is
 * {@code shortest_edge} (the long edge {@code int(S * long / short)}) with {@link PilBicubic}, centre crop (zero
 * padding if the crop is larger), rescale by {@code rescale_factor} in float64 then cast to float32, normalise
 * {@code (x - mean) / std} in float32, channels first.
 */
public final class ClipImageProcessor {
    private final PreprocessorConfig config;
    private final long maxPixels;

    /** With the decoder's default pixel cap ({@link ImageDecoder#DEFAULT_MAX_PIXELS}) for the resized image. */
    public ClipImageProcessor(PreprocessorConfig config) {
        this(config, ImageDecoder.DEFAULT_MAX_PIXELS);
    }

    /** @param maxPixels the largest resized image accepted (the same cap as the decoder's: raising one raises both) */
    public ClipImageProcessor(PreprocessorConfig config, long maxPixels) {
        if (maxPixels <= 0) throw new IllegalArgumentException("pixel cap must be positive");
        if (config.doResize() && config.resample() != 3) {
            throw new IllegalArgumentException(
                    "preprocessor resample " + config.resample() + " is not supported (3 = bicubic is)");
        }
        this.config = config;
        this.maxPixels = maxPixels;
    }

    public PreprocessorConfig config() {
        return config;
    }

    /**
     * {@code pixel_values} {@code [images][3][cropHeight][cropWidth]}. An image whose resize would be larger than the
     * pixel cap (a 1 x 16384 strip resized to a shortest edge of 224 is 224 x 3.7 million)
     * is refused with an {@link ImageException} before anything is allocated.
     */
    public FloatTensor preprocess(List<RgbImage> images) throws ImageException {
        int ch = config.cropHeight(), cw = config.cropWidth();
        FloatTensor out = FloatTensor.zeros(images.size(), 3, ch, cw);
        for (int i = 0; i < images.size(); i++) {
            RgbImage img = images.get(i);
            if (config.doResize()) img = resizeShortestEdge(img, config.shortestEdge());
            if (config.doCenterCrop()) img = centerCrop(img, ch, cw);
            if (img.width() != cw || img.height() != ch) {
                throw new IllegalArgumentException("image of " + img.width() + "x" + img.height()
                        + " after preprocessing, expected " + cw + "x" + ch);
            }
            standardizeInto(img, out.data(), i * 3 * ch * cw);
        }
        return out;
    }

    /** HF's {@code get_resize_output_image_size(default_to_square=False)} then PIL bicubic. */
    private RgbImage resizeShortestEdge(RgbImage img, int size) throws ImageException {
        int w = img.width(), h = img.height();
        int shortSide = Math.min(w, h), longSide = Math.max(w, h);
        long newLong = (long) ((double) ((long) size * longSide) / shortSide);
        if (newLong * size > maxPixels) {
            throw new ImageException(
                    "an image of " + w + "x" + h + " resized to a shortest edge of " + size + " would be "
                            + (w <= h ? size + "x" + newLong : newLong + "x" + size) + " pixels, more than " + maxPixels
                            + " (its sides are too unequal, or raise the pixel limit)");
        }
        int newW = w <= h ? size : (int) newLong, newH = w <= h ? (int) newLong : size;
        return PilBicubic.resize(img, newW, newH);
    }

    /** HF's {@code center_crop}: offsets {@code (h - H) // 2}, {@code (w - W) // 2}; a too-small image is zero-padded, centred. */
    private static RgbImage centerCrop(RgbImage img, int cropH, int cropW) {
        int h = img.height(), w = img.width();
        int padH = Math.max(cropH, h), padW = Math.max(cropW, w);
        int padTop = (padH - h) / 2, padLeft = (padW - w) / 2;
        int top = Math.floorDiv(padH - cropH, 2), left = Math.floorDiv(padW - cropW, 2);
        byte[] out = new byte[cropH * cropW * 3];
        for (int y = 0; y < cropH; y++) {
            int sy = top + y - padTop;
            if (sy < 0 || sy >= h) continue;
            for (int x = 0; x < cropW; x++) {
                int sx = left + x - padLeft;
                if (sx < 0 || sx >= w) continue;
                System.arraycopy(img.pixels(), (sy * w + sx) * 3, out, (y * cropW + x) * 3, 3);
            }
        }
        return new RgbImage(cropW, cropH, out);
    }

    /** Rescale and standardise (transformers' {@code rescale} and {@code normalize}), channels first, into dst. */
    private void standardizeInto(RgbImage img, float[] dst, int off) {
        int plane = img.width() * img.height();
        float[] mean = config.imageMean(), std = config.imageStd();
        double factor = config.rescaleFactor();
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < plane; p++) {
                int v = img.pixels()[p * 3 + c] & 0xFF;
                float x = config.doRescale() ? (float) (v * factor) : v;
                if (config.doNormalize()) x = (x - mean[c]) / std[c];
                dst[off + c * plane + p] = x;
            }
        }
    }
}
