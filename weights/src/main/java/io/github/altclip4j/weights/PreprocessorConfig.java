package io.github.altclip4j.weights;

import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code preprocessor_config.json} as {@code CLIPImageProcessor} (transformers v4.36) reads it. An int {@code size}
 * means {@code {"shortest_edge": size}} and an int {@code crop_size} a square crop (BAAI/AltCLIP's old style);
 * absent fields take CLIP's defaults (shortest edge 224, 224x224 crop, bicubic, OpenAI CLIP mean and std).
 */
public record PreprocessorConfig(
        boolean doResize,
        int shortestEdge,
        int resample,
        boolean doCenterCrop,
        int cropHeight,
        int cropWidth,
        boolean doRescale,
        double rescaleFactor,
        boolean doNormalize,
        float[] imageMean,
        float[] imageStd,
        boolean doConvertRgb) {

    /** The largest resize and crop side accepted: ViTs are trained at 224-448 px; a hostile config cannot ask for more. */
    public static final int MAX_SIDE = 4096;

    static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};

    public static PreprocessorConfig read(Path file) throws IOException {
        JsonFields f = JsonFields.read(file);
        int shortest = 224;
        Object size = f.raw("size");
        if (size instanceof Long) {
            shortest = f.getInt("size", 224, 1, MAX_SIDE);
        } else if (size != null) {
            JsonFields s = f.object("size");
            if (!s.has("shortest_edge")) throw f.bad("size", "an integer or {\"shortest_edge\": N}");
            shortest = s.getInt("shortest_edge", 224, 1, MAX_SIDE);
        }
        int cropH = 224, cropW = 224;
        Object crop = f.raw("crop_size");
        if (crop instanceof Long) {
            cropH = cropW = f.getInt("crop_size", 224, 1, MAX_SIDE);
        } else if (crop != null) {
            JsonFields c = f.object("crop_size");
            cropH = c.getInt("height", 224, 1, MAX_SIDE);
            cropW = c.getInt("width", 224, 1, MAX_SIDE);
        }
        float[] mean = f.getFloats("image_mean", CLIP_MEAN), std = f.getFloats("image_std", CLIP_STD);
        if (mean.length != 3) throw f.bad("image_mean", "3 numbers");
        if (std.length != 3) throw f.bad("image_std", "3 numbers");
        for (float s : std) if (!(s > 0)) throw f.bad("image_std", "positive numbers");
        int resample = f.getInt("resample", 3);
        boolean resize = f.getBoolean("do_resize", true);
        if (resize && resample != 3)
            throw f.bad("resample", "3 (bicubic, the only resampling supported; got " + resample + ")");
        return new PreprocessorConfig(
                resize,
                shortest,
                resample,
                f.getBoolean("do_center_crop", true),
                cropH,
                cropW,
                f.getBoolean("do_rescale", true),
                f.getDouble("rescale_factor", 1 / 255.0),
                f.getBoolean("do_normalize", true),
                mean,
                std,
                f.getBoolean("do_convert_rgb", true));
    }
}
