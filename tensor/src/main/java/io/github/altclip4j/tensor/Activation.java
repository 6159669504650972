package io.github.altclip4j.tensor;

/**
 * The element-wise activations of the towers, by their transformers {@code hidden_act} names. {@link Gemm} can
 * apply one to each output row while the row is still in cache (the epilogue), saving a pass over the matrix.
 */
public enum Activation {
    /** No activation: {@code y = x}. */
    NONE,
    /** PyTorch's default {@code gelu}, the exact erf form {@code x/2 * (1 + erf(x/sqrt 2))} (XLM-R). */
    GELU,
    /** {@code x * sigmoid(1.702 x)}, CLIP's {@code quick_gelu} (the vision tower). */
    QUICK_GELU;

    /** The activation a config's {@code hidden_act} names; {@code where} names the config section for the error. */
    public static Activation forHiddenAct(String hiddenAct, String where) {
        switch (hiddenAct) {
            case "gelu":
                return GELU;
            case "quick_gelu":
                return QUICK_GELU;
            default:
                throw new IllegalArgumentException(
                        where + ": hidden_act \"" + hiddenAct + "\" is not supported (gelu, quick_gelu are)");
        }
    }

    /** Applies the activation to {@code x[off..off+n)} in place. */
    void apply(Kernels k, float[] x, int off, int n) {
        switch (this) {
            case GELU:
                k.gelu(x, off, n);
                break;
            case QUICK_GELU:
                k.quickGelu(x, off, n);
                break;
            default:
                break;
        }
    }
}
