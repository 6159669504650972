package io.github.altclip4j.model;

import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.tensor.Ops;
import io.github.altclip4j.tensor.ThreadPool;

/** {@code torch.nn.LayerNorm} over the last dimension. */
record LayerNorm(float[] weight, float[] bias, float eps) {

    /** A new tensor holding {@code LayerNorm(x)}. */
    FloatTensor forward(ThreadPool pool, FloatTensor x) {
        FloatTensor out = FloatTensor.zeros(x.shape());
        forward(pool, x, out);
        return out;
    }

    /** {@code out = LayerNorm(x)}; {@code out} may be {@code x} itself. */
    void forward(ThreadPool pool, FloatTensor x, FloatTensor out) {
        Ops.layerNorm(pool, x, weight, bias, eps, out);
    }
}
