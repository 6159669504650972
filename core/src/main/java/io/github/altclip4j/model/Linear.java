package io.github.altclip4j.model;

import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.tensor.Gemm;
import io.github.altclip4j.tensor.PackedMatrix;
import io.github.altclip4j.tensor.ThreadPool;

/** {@code torch.nn.Linear}: {@code y = x W^T + b} ({@code bias} may be null), W packed once at load. */
record Linear(PackedMatrix weight, float[] bias) {

    FloatTensor apply(ThreadPool pool, FloatTensor x) {
        return Gemm.linear(pool, x, weight, bias);
    }

    int outFeatures() {
        return weight.outFeatures();
    }
}
