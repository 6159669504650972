package io.github.altclip4j.model;

import io.github.altclip4j.tensor.Activation;
import io.github.altclip4j.tensor.Attention;
import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.tensor.ThreadPool;

/**
 * Multi-head self-attention without its output projection: {@code softmax(Q K^T / sqrt(d) + mask) V} per head,
 * heads concatenated. Q, K and V come from one GEMM with the three projections stacked ({@code [3*hidden][hidden]}).
 */
final class SelfAttention {
    private final Linear qkv;
    private final int heads, headDim;

    SelfAttention(Linear qkv, int heads, int headDim) {
        this.qkv = qkv;
        this.heads = heads;
        this.headDim = headDim;
    }

    /**
     * @param x        {@code [batch*seq][hidden]}
     * @param keyBias  null, or {@code [batch*seq]}: 0 for real tokens, {@link Attention#MASKED} for padding
     * @param buf      receives Q|K|V in {@code buf.qkv} and the result in {@code buf.context}
     * @return the context vectors {@code [batch*seq][hidden]} ({@code buf.context})
     */
    FloatTensor apply(ThreadPool pool, FloatTensor x, int batch, int seq, float[] keyBias, LayerBuffers buf) {
        int hidden = heads * headDim;
        qkv.apply(pool, x, Activation.NONE, null, buf.qkv);        // [tokens][q | k | v]
        float[] d = buf.qkv.data();
        Attention.multiHead(pool, batch, seq, heads, headDim, (float) (1 / Math.sqrt(headDim)),
                d, 0, d, hidden, d, 2 * hidden, 3 * hidden, keyBias, buf.context.data(), 0, hidden);
        return buf.context;
    }
}
