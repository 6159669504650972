package io.github.altclip4j.model;

import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.tensor.Ops;
import io.github.altclip4j.tensor.ThreadPool;

/** {@code torch.nn.LayerNorm} over the last dimension. */
record LayerNorm(float[] weight, float[] bias, float eps) {

    /** A new tensor holding LayerNorm(x). */
    FloatTensor apply(ThreadPool pool, FloatTensor x) {
        FloatTensor out = FloatTensor.zeros(x.shape());
        Ops.layerNorm(pool, x, weight, bias, eps, out);
        return out;
    }

    /** x = LayerNorm(x), in place. */
    void applyInPlace(ThreadPool pool, FloatTensor x) {
        Ops.layerNorm(pool, x, weight, bias, eps, x);
    }
}
