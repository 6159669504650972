package io.github.altclip4j.image;

/**
 * Pillow's {@code Image.resize(size, BICUBIC)} on 8-bit RGB, reproduced exactly (Pillow 9, {@code Resample.c}).
 *
 * <ul>
 *   <li>The filter is the cubic convolution kernel with a = -0.5, support 2. When shrinking, it is stretched by the
 *       scale factor (support 2 * scale), which is what makes the resize antialiased.</li>
 *   <li>For each output column (row), the input range and weights are computed in double, normalised to sum 1, then
 *       turned into fixed point with 22 fractional bits (rounded half away from zero).</li>
 *   <li>Two separable passes, horizontal first (over just the input rows the vertical pass will read), each output
 *       sample rounded ({@code + 2^21}, then {@code >> 22}) and clamped to 0..255 before the next pass.</li>
 * </ul>
 */
public final class PilBicubic {
    private PilBicubic() {}

    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final double SUPPORT = 2.0;

    private static double cubic(double x) {
        final double a = -0.5;
        if (x < 0.0) x = -x;
        if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
        return 0.0;
    }

    /** Per output index: first input index, count, and fixed-point weights ({@code ksize} per output). */
    private record Coefficients(int ksize, int[] first, int[] count, int[] weights) {}

    private static Coefficients coefficients(int inSize, int outSize) {
        double scale = (double) inSize / outSize; // box = (0, inSize)
        double filterScale = Math.max(scale, 1.0);
        double support = SUPPORT * filterScale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] first = new int[outSize], count = new int[outSize], weights = new int[outSize * ksize];
        double[] k = new double[ksize];
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            double ss = 1.0 / filterScale;
            int xmin = Math.max(0, (int) (center - support + 0.5));
            int xmax = Math.min(inSize, (int) (center + support + 0.5)) - xmin;
            double ww = 0.0;
            for (int x = 0; x < xmax; x++) {
                k[x] = cubic((x + xmin - center + 0.5) * ss);
                ww += k[x];
            }
            for (int x = 0; x < xmax; x++) {
                double w = ww != 0.0 ? k[x] / ww : k[x];
                weights[xx * ksize + x] =
                        (int) (w < 0 ? -0.5 + w * (1 << PRECISION_BITS) : 0.5 + w * (1 << PRECISION_BITS));
            }
            first[xx] = xmin;
            count[xx] = xmax;
        }
        return new Coefficients(ksize, first, count, weights);
    }

    private static int clip8(int v) {
        int shifted = v >> PRECISION_BITS;
        return shifted < 0 ? 0 : Math.min(shifted, 255);
    }

    public static RgbImage resize(RgbImage in, int outWidth, int outHeight) {
        if (outWidth <= 0 || outHeight <= 0)
            throw new IllegalArgumentException("resize to " + outWidth + "x" + outHeight);
        if (outWidth == in.width() && outHeight == in.height()) return in;
        Coefficients horizontal = coefficients(in.width(), outWidth);
        Coefficients vertical = coefficients(in.height(), outHeight);
        RgbImage img = in;
        int rowOffset = 0;
        if (outWidth != in.width()) {
            // Only the input rows the vertical pass reads: [first used, last used).
            int yFirst = vertical.first()[0];
            int yLast = vertical.first()[outHeight - 1] + vertical.count()[outHeight - 1];
            if (outHeight == in.height()) {
                yFirst = 0;
                yLast = in.height();
            }
            img = horizontalPass(in, horizontal, outWidth, yFirst, yLast);
            rowOffset = yFirst;
        }
        if (outHeight != in.height()) img = verticalPass(img, vertical, outHeight, rowOffset);
        return img;
    }

    private static RgbImage horizontalPass(RgbImage in, Coefficients c, int outWidth, int yFirst, int yLast) {
        byte[] src = in.pixels();
        int rows = yLast - yFirst;
        byte[] dst = new byte[outWidth * rows * 3];
        for (int y = 0; y < rows; y++) {
            int srcRow = (y + yFirst) * in.width() * 3;
            for (int xx = 0; xx < outWidth; xx++) {
                int s0 = 1 << (PRECISION_BITS - 1), s1 = s0, s2 = s0;
                int first = c.first()[xx], k = xx * c.ksize();
                for (int x = 0; x < c.count()[xx]; x++) {
                    int w = c.weights()[k + x], p = srcRow + (first + x) * 3;
                    s0 += (src[p] & 0xFF) * w;
                    s1 += (src[p + 1] & 0xFF) * w;
                    s2 += (src[p + 2] & 0xFF) * w;
                }
                int o = (y * outWidth + xx) * 3;
                dst[o] = (byte) clip8(s0);
                dst[o + 1] = (byte) clip8(s1);
                dst[o + 2] = (byte) clip8(s2);
            }
        }
        return new RgbImage(outWidth, rows, dst);
    }

    /** {@code rowOffset}: the input row that row 0 of {@code in} stands for (the horizontal pass kept only some rows). */
    private static RgbImage verticalPass(RgbImage in, Coefficients c, int outHeight, int rowOffset) {
        byte[] src = in.pixels();
        int w = in.width();
        byte[] dst = new byte[w * outHeight * 3];
        for (int yy = 0; yy < outHeight; yy++) {
            int first = c.first()[yy] - rowOffset, k = yy * c.ksize();
            for (int x = 0; x < w; x++) {
                int s0 = 1 << (PRECISION_BITS - 1), s1 = s0, s2 = s0;
                for (int y = 0; y < c.count()[yy]; y++) {
                    int wt = c.weights()[k + y], p = ((first + y) * w + x) * 3;
                    s0 += (src[p] & 0xFF) * wt;
                    s1 += (src[p + 1] & 0xFF) * wt;
                    s2 += (src[p + 2] & 0xFF) * wt;
                }
                int o = (yy * w + x) * 3;
                dst[o] = (byte) clip8(s0);
                dst[o + 1] = (byte) clip8(s1);
                dst[o + 2] = (byte) clip8(s2);
            }
        }
        return new RgbImage(w, outHeight, dst);
    }
}
