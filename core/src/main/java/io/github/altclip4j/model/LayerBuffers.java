package io.github.altclip4j.model;

import io.github.altclip4j.tensor.FloatTensor;

/**
 * The intermediate activations of one encoder layer, allocated once per forward pass and reused by every layer:
 * a 24-layer tower then allocates (and the JVM zeroes) them once instead of 24 times. The residual stream
 * {@code h} itself is updated in place by the layers.
 */
final class LayerBuffers {
    /**
     * {@code [tokens][hidden]}: a LayerNorm's output beside the residual stream: {@code layer_norm1/2(h)} in a vision
     * layer, the attention block's {@code LayerNorm(h + dense(context))} in a text layer.
     */
    final FloatTensor normed;
    /** {@code [tokens][3*hidden]}: the stacked query, key and value projections. */
    final FloatTensor qkv;
    /** {@code [tokens][hidden]}: the attention output, heads concatenated, before the output projection. */
    final FloatTensor context;
    /** {@code [tokens][intermediate]}: the MLP's hidden activations. */
    final FloatTensor mlp;

    LayerBuffers(int tokens, int hidden, int intermediate) {
        normed = FloatTensor.zeros(tokens, hidden);
        qkv = FloatTensor.zeros(tokens, 3 * hidden);
        context = FloatTensor.zeros(tokens, hidden);
        mlp = FloatTensor.zeros(tokens, intermediate);
    }
}
