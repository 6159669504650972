package io.github.altclip4j.tensor;

/**
 * Multi-head scaled-dot-product attention, fused per (sequence, head):
 * <pre>
 *   S = Q_h K_h^T * scale + keyBias      [seq][seq]
 *   P = softmax(S)                       row-wise
 *   O_h = P V_h                          [seq][headDim]
 * </pre>
 * One task per (sequence, head) computes all three steps on one thread with a per-thread score buffer, so no
 * {@code [heads][seq][seq]} tensor is ever materialised and each head's K and V are packed once, reused by every
 * query row. Both products run on the GEMM micro-kernel.
 *
 * <p>Q, K and V are read in place from the projection outputs: token t of sequence b, head h starts at
 * {@code off + (b*seq + t)*ld + h*headDim}, so a fused {@code [tokens][3*hidden]} QKV buffer works as well as
 * three separate ones.
 */
public final class Attention {
    private Attention() {}

    /** The additive mask value for a padded key, as transformers uses: {@code torch.finfo(float32).min}. */
    public static final float MASKED = -Float.MAX_VALUE;

    /**
     * @param keyBias  null, or {@code [batch][seq]} values added to every score of that key (0 for a real token,
     *                 {@link #MASKED} for padding)
     * @param out      receives O: token t of sequence b, head h at {@code outOff + (b*seq + t)*ldOut + h*headDim}
     */
    public static void multiHead(ThreadPool pool, int batch, int seq, int heads, int headDim, float scale,
                                 float[] q, int qOff, float[] k, int kOff, float[] v, int vOff, int ld,
                                 float[] keyBias, float[] out, int outOff, int ldOut) {
        if (keyBias != null && keyBias.length < batch * seq) {
            throw new IllegalArgumentException("key bias of " + keyBias.length + " for " + batch + "x" + seq);
        }
        int tokens = batch * seq, width = heads * headDim;
        if (tokens == 0) return;
        Shapes.checkRange(q.length, qOff, (tokens - 1) * ld + width, "Q");
        Shapes.checkRange(k.length, kOff, (tokens - 1) * ld + width, "K");
        Shapes.checkRange(v.length, vOff, (tokens - 1) * ld + width, "V");
        Shapes.checkRange(out.length, outOff, (tokens - 1) * ldOut + width, "attention output");
        Kernels kern = Backend.kernels();
        int pw = kern.panelWidth();
        // One k block per head (k = headDim for S, k = seq for P·V): panel p's slice starts at p * k * pw.
        int keyPanels = PackedMatrix.panels(seq, pw), scoreLd = keyPanels * pw;
        int paddedSeq = (seq + Kernels.TILE_ROWS - 1) / Kernels.TILE_ROWS * Kernels.TILE_ROWS;
        pool.parallelFor(batch * heads, task -> {
            int b = task / heads, h = task % heads;
            int rowBase = b * seq, col = h * headDim;
            Buffers buf = Buffers.get(paddedSeq * scoreLd, paddedSeq * headDim, keyPanels * headDim * pw,
                    PackedMatrix.packedSize(headDim, seq, pw), Kernels.TILE_ROWS * pw);

            // S = Q_h K_h^T: K_h's rows are the keys, packed as the "weight" of a tiny linear layer; Q_h is copied
            // to a contiguous buffer (its rows past seq are padding for the last 6-row tile).
            for (int i = 0; i < seq; i++) System.arraycopy(q, qOff + (rowBase + i) * ld + col, buf.queries, i * headDim, headDim);
            PackedMatrix.packTransposed(k, kOff + rowBase * ld + col, ld, seq, headDim, pw, headDim, buf.keys, 0);
            for (int p = 0; p < keyPanels; p++) {
                Gemm.block(kern, buf.queries, 0, headDim, seq, buf.keys, p * headDim * pw, headDim,
                        buf.scores, p * pw, scoreLd, pw, false, buf.edge);
            }
            // P = softmax(S * scale + mask), row by row.
            for (int i = 0; i < seq; i++) {
                kern.scaleAdd(buf.scores, i * scoreLd, seq, scale, keyBias, rowBase);
                Ops.softmaxRow(kern, buf.scores, i * scoreLd, seq);
            }
            // O_h = P V_h.
            PackedMatrix.packRows(v, vOff + rowBase * ld + col, ld, seq, headDim, pw, seq, buf.values, 0);
            for (int p = 0, panels = PackedMatrix.panels(headDim, pw); p < panels; p++) {
                Gemm.block(kern, buf.scores, 0, scoreLd, seq, buf.values, p * seq * pw, seq,
                        out, outOff + rowBase * ldOut + col + p * pw, ldOut, Math.min(pw, headDim - p * pw), false, buf.edge);
            }
        });
    }

    /**
     * Per-thread scores, queries, packed K/V and edge tile, grown on demand and reused across layers and calls.
     * Rows past seq in {@code queries} and {@code scores} hold zeros or values of an earlier call: the micro-kernel
     * computes over them (it works on 6 rows at a time) but their results are never stored.
     */
    private static final class Buffers {
        private static final ThreadLocal<Buffers> LOCAL = ThreadLocal.withInitial(Buffers::new);
        float[] scores = new float[0], queries = new float[0], keys = new float[0], values = new float[0], edge = new float[0];

        static Buffers get(int scoreSize, int querySize, int keySize, int valueSize, int edgeSize) {
            Buffers b = LOCAL.get();
            if (b.scores.length < scoreSize) b.scores = new float[scoreSize];
            if (b.queries.length < querySize) b.queries = new float[querySize];
            if (b.keys.length < keySize) b.keys = new float[keySize];
            if (b.values.length < valueSize) b.values = new float[valueSize];
            if (b.edge.length < edgeSize) b.edge = new float[edgeSize];
            return b;
        }
    }
}
