package io.github.altclip4j.model;

import io.github.altclip4j.tensor.Activation;
import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.tensor.Gemm;
import io.github.altclip4j.tensor.PackedMatrix;
import io.github.altclip4j.tensor.ThreadPool;

/**
 * {@code torch.nn.Linear}: {@code y = x W^T + b} ({@code bias} may be null), W packed once at load. Besides the plain
 * {@code y = linear(x)}, the forms a transformer layer needs are one GEMM each, the addition or activation done on
 * each output tile while it is in cache (the same bits as separate passes).
 */
record Linear(PackedMatrix weight, float[] bias) {

    /** A new tensor holding {@code linear(x)}. */
    FloatTensor forward(ThreadPool pool, FloatTensor x) {
        return Gemm.linear(pool, x, weight, bias);
    }

    /** {@code out = act(linear(x))}. */
    void forward(ThreadPool pool, FloatTensor x, Activation act, FloatTensor out) {
        Gemm.linear(pool, x, weight, bias, act, null, out);
    }

    /** {@code h = h + linear(x)}: a residual connection, in place. */
    void addTo(ThreadPool pool, FloatTensor x, FloatTensor h) {
        Gemm.linear(pool, x, weight, bias, Activation.NONE, h, h);
    }

    /** {@code out = residual + linear(x)}. */
    void addTo(ThreadPool pool, FloatTensor x, FloatTensor residual, FloatTensor out) {
        Gemm.linear(pool, x, weight, bias, Activation.NONE, residual, out);
    }
}
