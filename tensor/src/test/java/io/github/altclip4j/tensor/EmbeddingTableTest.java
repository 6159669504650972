package io.github.altclip4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EmbeddingTableTest {

    /** Rows written in uneven pieces across block boundaries, from two threads, come back as written (or rounded). */
    @ParameterizedTest
    @EnumSource(DType.class)
    void rowsWrittenInPiecesReadBackAcrossBlocks(DType dtype) {
        int rows = 2 * EmbeddingTable.BLOCK_ROWS + 77, cols = 7;
        float[] values = Reference.randomFloats(3, rows * cols, 2f);
        try (ThreadPool pool = new ThreadPool(2)) {
            EmbeddingTable t = EmbeddingTable.allocate(pool, rows, cols, dtype);
            int piece = 333; // not a divisor of the block size: pieces straddle blocks
            pool.parallelFor((rows + piece - 1) / piece, p -> {
                int first = p * piece, n = Math.min(piece, rows - first);
                t.putRows(values, first * cols, first, n);
            });
            float[] row = new float[cols + 2];
            for (int r = 0; r < rows; r++) {
                t.row(r, row, 1);
                double max = 0;
                for (int c = 0; c < cols; c++) max = Math.max(max, Math.abs(values[r * cols + c]));
                for (int c = 0; c < cols; c++) {
                    float v = values[r * cols + c];
                    if (dtype == DType.I8) { // within half a quantisation step (max / 127) of the value
                        assertThat(Math.abs(row[c + 1] - (double) v))
                                .as("row %d col %d", r, c)
                                .isLessThanOrEqualTo(max / 127 * (0.5 + 0x1p-16) * (1 + 1e-6));
                        continue;
                    }
                    float expected = dtype == DType.F32
                            ? v
                            : dtype == DType.BF16
                                    ? Half.bf16ToFloat(Half.floatToBf16(v))
                                    : Half.f16ToFloat(Half.floatToF16(v));
                    assertThat(row[c + 1]).as("row %d col %d", r, c).isEqualTo(expected);
                }
            }
            assertThat(row[0]).isZero();
            assertThat(row[cols + 1]).isZero();
            assertThat(t.bytes()).isEqualTo((long) rows * cols * dtype.bytes() + (dtype == DType.I8 ? 4L * rows : 0));
        }
    }

    @Test
    void sixteenBitRowsAreStoredAsGiven() {
        int rows = EmbeddingTable.BLOCK_ROWS + 3, cols = 4;
        short[] bits = new short[rows * cols];
        for (int i = 0; i < bits.length; i++) bits[i] = Half.floatToBf16(i * 0.25f);
        EmbeddingTable t = EmbeddingTable.allocate(ThreadPool.shared(), rows, cols, DType.BF16);
        t.putRows(bits, 0, 0, rows);
        float[] row = new float[cols];
        t.row(rows - 1, row, 0);
        for (int c = 0; c < cols; c++) assertThat(row[c]).isEqualTo(Half.bf16ToFloat(bits[(rows - 1) * cols + c]));
    }

    @Test
    void outOfRangeRowsAreRefused() {
        EmbeddingTable t = EmbeddingTable.allocate(ThreadPool.shared(), 10, 3, DType.F32);
        assertThatThrownBy(() -> t.row(10, new float[3], 0))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("row 10 of 10");
        assertThatThrownBy(() -> t.putRows(new float[6], 0, 9, 2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> t.putRows(new short[6], 0, 0, 2)).isInstanceOf(IllegalStateException.class);
    }
}
