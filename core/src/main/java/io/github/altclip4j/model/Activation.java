package io.github.altclip4j.model;

import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.tensor.Ops;
import io.github.altclip4j.tensor.ThreadPool;

/** The {@code hidden_act} of a config: the activation between the two MLP layers. */
enum Activation {
    /** PyTorch's default {@code gelu}, the exact erf form (XLM-R). */
    GELU,
    /** {@code x * sigmoid(1.702 x)} (CLIP's vision tower). */
    QUICK_GELU;

    static Activation of(String hiddenAct, String where) {
        switch (hiddenAct) {
            case "gelu": return GELU;
            case "quick_gelu": return QUICK_GELU;
            default: throw new IllegalArgumentException(where + ": hidden_act \"" + hiddenAct + "\" is not supported (gelu, quick_gelu are)");
        }
    }

    void applyInPlace(ThreadPool pool, FloatTensor x) {
        if (this == GELU) Ops.gelu(pool, x);
        else Ops.quickGelu(pool, x);
    }
}
