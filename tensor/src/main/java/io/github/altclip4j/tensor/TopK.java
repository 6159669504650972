package io.github.altclip4j.tensor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Exact nearest-neighbour search: for each query, the k rows of an {@link EmbeddingTable} with the largest dot
 * product (the cosine, for unit vectors), best first. Every row is scored: a scan at memory speed, with no index
 * structure to build or to be approximate. The rows are split over the pool's threads, each row scored against all
 * queries while it is in cache; each part keeps its own best k, and the parts are merged in a fixed order. Ties are
 * broken by the lower row. A row's score is computed the same way whatever the split, so the result is bit-identical
 * for any thread count.
 */
public final class TopK {
    private TopK() {}

    /** A row and its score. */
    public record Hit(int row, float score) {}

    /** Better first: higher score, then lower row. */
    static final Comparator<Hit> BEST_FIRST =
            Comparator.comparingDouble((Hit h) -> -h.score()).thenComparingInt(Hit::row);

    /**
     * @param queries  each of {@code table.cols()} values
     * @param minScore rows scoring below it are left out
     */
    public static List<List<Hit>> search(
            ThreadPool pool, EmbeddingTable table, float[][] queries, int k, float minScore) {
        for (float[] q : queries) {
            if (q.length != table.cols())
                throw new IllegalArgumentException("query of " + q.length + " values for vectors of " + table.cols());
        }
        int rows = table.rows(), parts = Math.max(1, Math.min(4 * pool.threads(), rows / 1024));
        int per = (rows + parts - 1) / Math.max(parts, 1);
        List<List<PriorityQueue<Hit>>> found = new ArrayList<>();
        for (int p = 0; p < parts; p++) found.add(null);
        Kernels kern = Backend.kernels();
        pool.parallelFor(parts, p -> {
            List<PriorityQueue<Hit>> best = new ArrayList<>();
            for (int q = 0; q < queries.length; q++)
                best.add(new PriorityQueue<>(BEST_FIRST.reversed())); // worst on top
            for (int r = p * per, end = Math.min(rows, r + per); r < end; r++) {
                for (int q = 0; q < queries.length; q++) {
                    float s = table.dot(kern, queries[q], r);
                    if (!(s >= minScore)) continue;
                    PriorityQueue<Hit> h = best.get(q);
                    Hit hit = new Hit(r, s);
                    if (h.size() < k) h.add(hit);
                    else if (k > 0 && BEST_FIRST.compare(hit, h.peek()) < 0) {
                        h.poll();
                        h.add(hit);
                    }
                }
            }
            found.set(p, best);
        });
        List<List<Hit>> out = new ArrayList<>();
        for (int q = 0; q < queries.length; q++) {
            List<Hit> all = new ArrayList<>();
            for (List<PriorityQueue<Hit>> part : found) all.addAll(part.get(q));
            all.sort(BEST_FIRST);
            out.add(List.copyOf(all.subList(0, Math.min(k, all.size()))));
        }
        return out;
    }
}
