package io.github.altclip4j.eval;

import java.util.List;
import java.util.Set;

/**
 * Ranking metrics from a score matrix, the bookkeeping of {@code altclip eval}: zero-shot top-k accuracy (queries are
 * images, columns labels) and retrieval recall@k (texts to images and back), as CLIP and the AltCLIP paper report them.
 * Ties rank the lower column first, so results do not depend on anything but the scores.
 */
public final class Rankings {
    private Rankings() {}

    /**
     * For each query {@code q}, the rank (0 = first) of its best-ranked relevant column: how many columns score above
     * it, or equal with a lower index.
     */
    public static int[] firstRelevantRanks(double[][] scores, List<Set<Integer>> relevant) {
        if (scores.length != relevant.size())
            throw new IllegalArgumentException(scores.length + " queries but " + relevant.size() + " relevance sets");
        int[] ranks = new int[scores.length];
        for (int q = 0; q < scores.length; q++) {
            if (relevant.get(q).isEmpty()) throw new IllegalArgumentException("query " + q + " has no relevant column");
            int best = Integer.MAX_VALUE;
            for (int c : relevant.get(q)) best = Math.min(best, rank(scores[q], c));
            ranks[q] = best;
        }
        return ranks;
    }

    private static int rank(double[] row, int column) {
        int above = 0;
        for (int j = 0; j < row.length; j++) if (row[j] > row[column] || (row[j] == row[column] && j < column)) above++;
        return above;
    }

    /** The fraction of queries whose first relevant column ranks within the top {@code k}. */
    public static double recallAt(int[] ranks, int k) {
        if (ranks.length == 0) return Double.NaN;
        int hits = 0;
        for (int r : ranks) if (r < k) hits++;
        return hits / (double) ranks.length;
    }

    /** Cosines of unit vectors: {@code scores[i][j] = rows[i] · columns[j]}, summed in double. */
    public static double[][] cosines(List<float[]> rows, List<float[]> columns) {
        double[][] s = new double[rows.size()][columns.size()];
        for (int i = 0; i < rows.size(); i++) {
            float[] a = rows.get(i);
            for (int j = 0; j < columns.size(); j++) {
                float[] b = columns.get(j);
                double dot = 0;
                for (int d = 0; d < a.length; d++) dot += (double) a[d] * b[d];
                s[i][j] = dot;
            }
        }
        return s;
    }
}
