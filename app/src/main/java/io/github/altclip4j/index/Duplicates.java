package io.github.altclip4j.index;

import io.github.altclip4j.tensor.EmbeddingTable;
import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.tensor.Gemm;
import io.github.altclip4j.tensor.PackedMatrix;
import io.github.altclip4j.tensor.ThreadPool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Near-duplicate images: every pair of rows whose cosine is at least a threshold, joined into connected components
 * (a union-find over the pairs). All pairs are scored by the GEMM, a block of rows against all of them at a time,
 * so 10^5 images are 10^10 dot products at matrix speed.
 */
final class Duplicates {
    private Duplicates() {}

    /** A pair above the threshold: rows {@code a < b} and their cosine. */
    record Pair(int a, int b, float score) {}

    /** The groups of two or more rows, each sorted, ordered by their first row; and every pair found. */
    record Groups(List<List<Integer>> groups, List<Pair> pairs) {}

    private static final int BLOCK_ROWS = 128;

    static Groups find(ThreadPool pool, EmbeddingTable vectors, float threshold) {
        int n = vectors.rows(), dim = vectors.cols();
        float[] all = new float[Math.multiplyExact(n, dim)];
        for (int r = 0; r < n; r++) vectors.row(r, all, r * dim);
        PackedMatrix packed = PackedMatrix.pack(FloatTensor.wrap(all, n, dim));
        int[] parent = new int[n];
        for (int i = 0; i < n; i++) parent[i] = i;
        List<Pair> pairs = new ArrayList<>();
        for (int from = 0; from < n; from += BLOCK_ROWS) {
            int rows = Math.min(BLOCK_ROWS, n - from);
            FloatTensor block = FloatTensor.view(all, from * dim, rows, dim);
            FloatTensor scores = Gemm.linear(pool, block, packed, null); // [rows][n]
            for (int i = 0; i < rows; i++) {
                int a = from + i;
                for (int b = a + 1; b < n; b++) {
                    float s = scores.data()[i * n + b];
                    if (s >= threshold) {
                        pairs.add(new Pair(a, b, s));
                        union(parent, a, b);
                    }
                }
            }
        }
        Map<Integer, List<Integer>> byRoot = new TreeMap<>();
        for (int i = 0; i < n; i++)
            byRoot.computeIfAbsent(find(parent, i), k -> new ArrayList<>()).add(i);
        List<List<Integer>> groups = new ArrayList<>();
        for (List<Integer> g : byRoot.values()) if (g.size() > 1) groups.add(List.copyOf(g));
        groups.sort((x, y) -> Integer.compare(x.get(0), y.get(0)));
        return new Groups(groups, pairs);
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    private static void union(int[] parent, int a, int b) {
        int ra = find(parent, a), rb = find(parent, b);
        if (ra != rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
    }
}
