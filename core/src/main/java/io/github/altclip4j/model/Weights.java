package io.github.altclip4j.model;

import io.github.altclip4j.tensor.EmbeddingTable;
import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.weights.WeightBinder;
import java.io.IOException;
import java.util.List;

/**
 * The checkpoint seen from one module, as candle's {@code vs.pp("self_attn")}: {@link #at} narrows the prefix, and
 * {@code linear("fc1", out, in)} binds {@code <prefix>fc1.weight} and {@code <prefix>fc1.bias}. So each checkpoint
 * name is written once, in the {@code load} of the class that mirrors its module.
 */
final class Weights {
    private final WeightBinder binder;
    private final String prefix; // "" or ending in "."

    private Weights(WeightBinder binder, String prefix) {
        this.binder = binder;
        this.prefix = prefix;
    }

    static Weights of(WeightBinder binder) {
        return new Weights(binder, "");
    }

    /** The view of submodule {@code module} ({@code "encoder.layers.3"}). */
    Weights at(String module) {
        return new Weights(binder, prefix + module + ".");
    }

    /** {@code nn.Linear(in, out)}: {@code name.weight} {@code [out][in]} and {@code name.bias} {@code [out]}. */
    Linear linear(String name, int out, int in) throws IOException {
        return new Linear(binder.linear(prefix + name + ".weight", out, in), vector(name + ".bias", out));
    }

    /** {@code nn.Linear(in, out, bias=False)}; {@code shape} is the weight's, {@code [out][in...]} (a conv's too). */
    Linear linearWithoutBias(String name, int... shape) throws IOException {
        return new Linear(binder.linear(prefix + name + ".weight", shape), null);
    }

    /** Several {@code nn.Linear(in, outEach)} as one, their outputs side by side (query | key | value). */
    Linear stackedLinear(List<String> names, int outEach, int in) throws IOException {
        List<String> full = names.stream().map(n -> prefix + n).toList();
        return new Linear(
                binder.stackedLinear(full.stream().map(n -> n + ".weight").toList(), outEach, in),
                binder.stackedVector(full.stream().map(n -> n + ".bias").toList(), outEach));
    }

    /** {@code nn.LayerNorm(width, eps)}: {@code name.weight} and {@code name.bias}. */
    LayerNorm layerNorm(String name, int width, float eps) throws IOException {
        return new LayerNorm(vector(name + ".weight", width), vector(name + ".bias", width), eps);
    }

    /** {@code nn.Embedding(rows, cols)}: {@code name.weight}, kept in the checkpoint's 16-bit type where it has one. */
    EmbeddingTable embedding(String name, int rows, int cols) throws IOException {
        return binder.embedding(prefix + name + ".weight", rows, cols);
    }

    float[] vector(String name, int length) throws IOException {
        return binder.vector(prefix + name, length);
    }

    FloatTensor floats(String name, int... shape) throws IOException {
        return binder.floats(prefix + name, shape);
    }

    float scalar(String name) throws IOException {
        return binder.scalar(prefix + name);
    }

    /** {@code count} layers of a {@code ModuleList} named {@code module}, each loaded from its own view, in parallel. */
    <T> List<T> layers(String module, int count, LayerLoader<T> loader) throws IOException {
        return binder.layers(count, i -> loader.load(at(module + "." + i)));
    }

    @FunctionalInterface
    interface LayerLoader<T> {
        T load(Weights layer) throws IOException;
    }
}
