package io.github.altclip4j.tensor;

import java.util.Arrays;

/**
 * The layout of the left operand A that the GEMM micro-kernel reads: rows in groups of {@link Kernels#TILE_ROWS}
 * (five), each group stored k-major as {@code [kLen][5]}, so element (row r of the group, k) sits at {@code 5*k + r}.
 * A step of k then reads five adjacent floats, with one index for all the rows (see {@link Kernels#tile}). Group g
 * of a packed block starts at {@code 5*g*kLen}.
 */
final class MicroPanels {
    private MicroPanels() {}

    /**
     * Packs {@code rows} rows of {@code kLen} values (row i at {@code src[off + i*ld]}) as {@code paddedRows / 5}
     * micro-panels at {@code dst[dstOff..]}; rows from {@code rows} to {@code paddedRows} (a multiple of 5) are zero.
     */
    static void pack(float[] src, int off, int ld, int rows, int paddedRows, int kLen, float[] dst, int dstOff) {
        int tr = Kernels.TILE_ROWS, full = rows / tr * tr;
        for (int g = 0; g < full; g += tr) {
            int base = dstOff + g * kLen, r0 = off + g * ld, r1 = r0 + ld, r2 = r1 + ld, r3 = r2 + ld, r4 = r3 + ld;
            for (int k = 0; k < kLen; k++) {
                int d = base + 5 * k; // linear in k (not a second induction variable): C2 then hoists the range checks
                dst[d] = src[r0 + k];
                dst[d + 1] = src[r1 + k];
                dst[d + 2] = src[r2 + k];
                dst[d + 3] = src[r3 + k];
                dst[d + 4] = src[r4 + k];
            }
        }
        if (full < rows) {
            int base = dstOff + full * kLen;
            Arrays.fill(dst, base, base + tr * kLen, 0f);
            for (int r = full; r < rows; r++) {
                for (int k = 0, s = off + r * ld; k < kLen; k++) dst[base + tr * k + r - full] = src[s + k];
            }
        }
        int tail = dstOff + ((rows + tr - 1) / tr * tr) * kLen;
        Arrays.fill(dst, tail, dstOff + paddedRows * kLen, 0f);
    }
}
