package io.github.altclip4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TopKTest {

    /**
     * Against a brute-force ranking in double precision of the stored values: the same rows in the same order (ties by
     * row), scores within float rounding, and bit-identical results for 1, 2 and 3 threads.
     */
    @ParameterizedTest
    @EnumSource(
            value = DType.class,
            names = {"F32", "BF16", "I8"})
    void topKMatchesABruteForceDoubleRankingForAnyThreadCount(DType dtype) {
        int rows = 5000, dim = 70, k = 25;
        float[] values = Reference.randomFloats(11, rows * dim, 1f);
        for (int i = 0; i < dim; i++) values[4000 * dim + i] = values[17 * dim + i]; // an exact tie: rows 17 and 4000
        float[][] queries = {Reference.randomFloats(12, dim, 1f), Reference.randomFloats(13, dim, 1f), values.clone()};
        queries[2] = Arrays.copyOfRange(values, 17 * dim, 18 * dim);
        List<List<TopK.Hit>> first = null;
        for (int threads = 1; threads <= 3; threads++) {
            try (ThreadPool pool = new ThreadPool(threads)) {
                EmbeddingTable t = EmbeddingTable.allocate(pool, rows, dim, dtype);
                t.putRows(values, 0, 0, rows);
                List<List<TopK.Hit>> got = TopK.search(pool, t, queries, k, Float.NEGATIVE_INFINITY);
                if (first == null) {
                    first = got;
                    for (int q = 0; q < queries.length; q++) {
                        List<double[]> ref = new ArrayList<>(); // {row, score} from the stored (widened) values
                        float[] row = new float[dim];
                        for (int r = 0; r < rows; r++) {
                            t.row(r, row, 0);
                            double s = 0;
                            for (int i = 0; i < dim; i++) s += (double) queries[q][i] * row[i];
                            ref.add(new double[] {r, s});
                        }
                        ref.sort(Comparator.comparingDouble((double[] x) -> -x[1])
                                .thenComparingDouble(x -> x[0]));
                        for (int i = 0; i < k; i++) {
                            TopK.Hit h = got.get(q).get(i);
                            assertThat((double) h.score())
                                    .as("query %d rank %d", q, i)
                                    .isCloseTo(ref.get(i)[1], Offset.offset(1e-4));
                            // the same row unless the reference's neighbours are within float rounding of each other
                            if (h.row() != (int) ref.get(i)[0]) {
                                assertThat(Math.abs(ref.get(i)[1] - ref.get(i + 1)[1]) < 1e-4
                                                || Math.abs(ref.get(i)[1] - ref.get(Math.max(0, i - 1))[1]) < 1e-4)
                                        .as("query %d rank %d: row %d vs %d", q, i, h.row(), (int) ref.get(i)[0])
                                        .isTrue();
                            }
                        }
                    }
                    // the exact tie goes to the lower row
                    assertThat(got.get(2).get(0).row()).isEqualTo(17);
                    assertThat(got.get(2).get(1).row()).isEqualTo(4000);
                } else {
                    assertThat(got).as(threads + " threads").isEqualTo(first);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = DType.class,
            names = {"F32"})
    void minScoreAndSmallTables(DType dtype) {
        EmbeddingTable t = EmbeddingTable.allocate(ThreadPool.shared(), 3, 2, dtype);
        t.putRows(new float[] {1, 0, 0, 1, -1, 0}, 0, 0, 3);
        List<TopK.Hit> hits = TopK.search(ThreadPool.shared(), t, new float[][] {{1, 0}}, 10, 0f)
                .get(0);
        assertThat(hits).containsExactly(new TopK.Hit(0, 1f), new TopK.Hit(1, 0f));
    }
}
