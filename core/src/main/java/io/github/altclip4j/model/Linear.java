package io.github.altclip4j.model;

import io.github.altclip4j.tensor.Activation;
import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.tensor.Gemm;
import io.github.altclip4j.tensor.PackedMatrix;
import io.github.altclip4j.tensor.ThreadPool;

/** {@code torch.nn.Linear}: {@code y = x W^T + b} ({@code bias} may be null), W packed once at load. */
record Linear(PackedMatrix weight, float[] bias) {

    /** A new tensor holding {@code x W^T + b}. */
    FloatTensor apply(ThreadPool pool, FloatTensor x) {
        return Gemm.linear(pool, x, weight, bias);
    }

    /**
     * {@code out = act(x W^T + b) + residual} in one pass over the output (the GEMM's epilogue);
     * {@code residual} may be null or {@code out} itself.
     */
    void apply(ThreadPool pool, FloatTensor x, Activation act, FloatTensor residual, FloatTensor out) {
        Gemm.linear(pool, x, weight, bias, act, residual, out);
    }
}
