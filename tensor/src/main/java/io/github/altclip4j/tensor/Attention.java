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
 * query row. Both products run on the GEMM micro-kernel, Q and P packed into its micro-panels first.
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
     * Self-attention over the stacked projections: {@code qkv} is {@code [batch*seq][3*hidden]} with each token's
     * query, key and value side by side (one GEMM makes them), {@code out} receives the heads' outputs concatenated,
     * {@code [batch*seq][hidden]}; scores are scaled by {@code 1/sqrt(headDim)}. {@code keyBias} as in
     * {@link #multiHead}.
     */
    public static void selfAttention(
            ThreadPool pool, FloatTensor qkv, int batch, int seq, int heads, float[] keyBias, FloatTensor out) {
        int hidden = out.cols(), headDim = hidden / heads, tokens = batch * seq;
        if (hidden % heads != 0 || qkv.cols() != 3 * hidden || qkv.rows() != tokens || out.rows() != tokens) {
            throw new IllegalArgumentException("self-attention of " + heads + " heads over " + batch + "x" + seq
                    + " tokens: q|k|v " + qkv + ", output " + out);
        }
        float[] d = qkv.data();
        int at = qkv.offset(), ld = 3 * hidden;
        multiHead(
                pool,
                batch,
                seq,
                heads,
                headDim,
                (float) (1 / Math.sqrt(headDim)),
                d,
                at,
                d,
                at + hidden,
                d,
                at + 2 * hidden,
                ld,
                keyBias,
                out.data(),
                out.offset(),
                hidden);
    }

    /**
     * The general form: Q, K and V anywhere in their arrays, with one row stride.
     *
     * @param keyBias  null, or {@code [batch][seq]} values added to every score of that key (0 for a real token,
     *                 {@link #MASKED} for padding)
     * @param out      receives O: token t of sequence b, head h at {@code outOff + (b*seq + t)*ldOut + h*headDim}
     */
    public static void multiHead(
            ThreadPool pool,
            int batch,
            int seq,
            int heads,
            int headDim,
            float scale,
            float[] q,
            int qOff,
            float[] k,
            int kOff,
            float[] v,
            int vOff,
            int ld,
            float[] keyBias,
            float[] out,
            int outOff,
            int ldOut) {
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
        int pw = kern.panelWidth(), tr = kern.tileRows();
        // Panel p of K_h (k = headDim) starts at p * headDim * pw, panel p of V_h (k = seq) at p * seq * pw.
        int keyPanels = PackedMatrix.panels(seq, pw), scoreLd = keyPanels * pw;
        int paddedSeq = (seq + tr - 1) / tr * tr;
        pool.parallelFor(batch * heads, task -> {
            int b = task / heads, h = task % heads;
            int rowBase = b * seq, col = h * headDim;
            Buffers buf = Buffers.get(
                    paddedSeq * scoreLd,
                    paddedSeq * Math.max(headDim, seq),
                    keyPanels * headDim * pw,
                    PackedMatrix.packedSize(headDim, seq, pw),
                    tr * pw);

            // S = Q_h K_h^T: K_h's rows are the keys, packed as the "weight" of a tiny linear layer; Q_h goes into
            // micro-panels (its rows past seq are zero). S has paddedSeq rows.
            MicroPanels.pack(tr, q, qOff + rowBase * ld + col, ld, seq, paddedSeq, headDim, buf.rows, 0);
            PackedMatrix.packTransposed(k, kOff + rowBase * ld + col, ld, seq, headDim, pw, buf.keys, 0);
            for (int p = 0; p < keyPanels; p++) {
                Gemm.block(
                        kern,
                        buf.rows,
                        0,
                        paddedSeq,
                        buf.keys,
                        p * headDim * pw,
                        headDim,
                        buf.scores,
                        p * pw,
                        scoreLd,
                        pw,
                        buf.tile);
            }
            // P = softmax(S * scale + mask), row by row, then into micro-panels for the next product.
            for (int i = 0; i < seq; i++) {
                kern.scaleAdd(buf.scores, i * scoreLd, seq, scale, keyBias, rowBase);
                Ops.softmaxRow(kern, buf.scores, i * scoreLd, seq);
            }
            MicroPanels.pack(tr, buf.scores, 0, scoreLd, seq, paddedSeq, seq, buf.rows, 0);
            // O_h = P V_h.
            PackedMatrix.packRows(v, vOff + rowBase * ld + col, ld, seq, headDim, pw, buf.values, 0);
            for (int p = 0, panels = PackedMatrix.panels(headDim, pw); p < panels; p++) {
                Gemm.block(
                        kern,
                        buf.rows,
                        0,
                        seq,
                        buf.values,
                        p * seq * pw,
                        seq,
                        out,
                        outOff + rowBase * ldOut + col + p * pw,
                        ldOut,
                        Math.min(pw, headDim - p * pw),
                        buf.tile);
            }
        });
    }

    /**
     * Per-thread scores, left operands (Q, then P, as micro-panels), packed K/V and one register tile, grown on demand and
     * reused across layers and calls. Rows past seq in {@code scores} hold values of padding rows or of an earlier
     * call; they are never read.
     */
    private static final class Buffers {
        private static final ThreadLocal<Buffers> LOCAL = ThreadLocal.withInitial(Buffers::new);
        float[] scores = new float[0],
                rows = new float[0],
                keys = new float[0],
                values = new float[0],
                tile = new float[0];

        static Buffers get(int scoreSize, int rowsSize, int keySize, int valueSize, int tileSize) {
            Buffers b = LOCAL.get();
            if (b.scores.length < scoreSize) b.scores = new float[scoreSize];
            if (b.rows.length < rowsSize) b.rows = new float[rowsSize];
            if (b.keys.length < keySize) b.keys = new float[keySize];
            if (b.values.length < valueSize) b.values = new float[valueSize];
            if (b.tile.length < tileSize) b.tile = new float[tileSize];
            return b;
        }
    }
}
