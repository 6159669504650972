package io.github.altclip4j.model;

import io.github.altclip4j.tensor.Activation;
import io.github.altclip4j.tensor.Attention;
import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.tensor.ThreadPool;
import java.io.IOException;
import java.util.List;

/**
 * Multi-head self-attention without its output projection: {@code softmax(Q K^T / sqrt(d) + mask) V} per head,
 * heads concatenated. Q, K and V come from one GEMM with the three projections stacked ({@code [3*hidden][hidden]}).
 */
final class SelfAttention {
    private final Linear qkv;
    private final int heads;

    private SelfAttention(Linear qkv, int heads) {
        this.qkv = qkv;
        this.heads = heads;
    }

    /** Binds the three projections named {@code query}, {@code key} and {@code value} in {@code w}. */
    static SelfAttention load(Weights w, String query, String key, String value, int hidden, int heads)
            throws IOException {
        return new SelfAttention(w.stackedLinear(List.of(query, key, value), hidden, hidden), heads);
    }

    /**
     * @param x        {@code [batch*seq][hidden]}
     * @param keyBias  null, or {@code [batch*seq]}: 0 for real tokens, {@link Attention#MASKED} for padding
     * @param buf      receives Q|K|V in {@code buf.qkv} and the result in {@code buf.context}
     * @return the context vectors {@code [batch*seq][hidden]} ({@code buf.context})
     */
    FloatTensor forward(ThreadPool pool, FloatTensor x, int batch, int seq, float[] keyBias, LayerBuffers buf) {
        qkv.forward(pool, x, Activation.NONE, buf.qkv); // [tokens][q | k | v]
        Attention.selfAttention(pool, buf.qkv, batch, seq, heads, keyBias, buf.context);
        return buf.context;
    }
}
