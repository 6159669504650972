package io.github.altclip4j.tensor;

import java.util.Arrays;

/**
 * The layout of the left operand A that the GEMM micro-kernel reads: rows in groups of {@code tr} (the register
 * tile's height, {@link Kernels#tileRows}), each group stored k-major as {@code [kLen][tr]}, so element (row r of the
 * group, k) sits at {@code tr*k + r}. A step of k then reads {@code tr} adjacent floats, with one index for all the
 * rows (see {@link Kernels#tile}). Group g of a packed block starts at {@code tr*g*kLen}.
 */
final class MicroPanels {
    private MicroPanels() {}

    /** Columns copied per pass over a group's rows: the pass's stores stay within L1 (6 x 512 floats: 12 KiB). */
    private static final int K_STEP = 512;

    /**
     * Packs {@code rows} rows of {@code kLen} values (row i at {@code src[off + i*ld]}) as {@code paddedRows / tr}
     * micro-panels at {@code dst[dstOff..]}; rows from {@code rows} to {@code paddedRows} (a multiple of tr) are zero.
     */
    static void pack(
            int tr, float[] src, int off, int ld, int rows, int paddedRows, int kLen, float[] dst, int dstOff) {
        for (int g = 0; g < rows; g += tr) {
            int base = dstOff + g * kLen, groupRows = Math.min(tr, rows - g);
            if (groupRows < tr) Arrays.fill(dst, base, base + tr * kLen, 0f);
            for (int k0 = 0; k0 < kLen; k0 += K_STEP) {
                int k1 = Math.min(kLen, k0 + K_STEP);
                for (int r = 0; r < groupRows; r++) {
                    int s = off + (g + r) * ld, d = base + r;
                    for (int k = k0; k < k1; k++) dst[d + tr * k] = src[s + k];
                }
            }
        }
        int tail = dstOff + ((rows + tr - 1) / tr * tr) * kLen;
        Arrays.fill(dst, tail, dstOff + paddedRows * kLen, 0f);
    }
}
