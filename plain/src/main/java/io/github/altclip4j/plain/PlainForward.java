package io.github.altclip4j.plain;

import io.github.altclip4j.weights.AltClipConfig;
import io.github.altclip4j.weights.AltClipConfig.TextConfig;
import io.github.altclip4j.weights.AltClipConfig.VisionConfig;
import io.github.altclip4j.weights.SafetensorsFile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * AltCLIP's forward pass in double precision with plain loops, written to be read beside the model package: no
 * packing, no fusing, no threads, each step the formula of transformers' {@code modeling_clip.py} (the vision tower)
 * and {@code modeling_altclip.py} (the text tower). Activations are {@code [tokens][width]} arrays; a weight
 * {@code [out][in]} is read from the checkpoint by its name when first used. The tests check it against transformers
 * in float64 and then use it as the yardstick for every layer of the fast code ({@code PlainForwardTest}).
 */
public final class PlainForward {
    private final SafetensorsFile checkpoint;
    private final AltClipConfig config;
    private final Map<String, double[]> loaded = new HashMap<>();

    public PlainForward(SafetensorsFile checkpoint, AltClipConfig config) {
        this.checkpoint = checkpoint;
        this.config = config;
    }

    /** The image tower and projection: hidden states (input of the encoder, then each layer), pooled, image_embeds. */
    public record Vision(List<double[][]> hiddenStates, double[][] pooled, double[][] embeds) {}

    /** The text tower and projection: hidden states (embeddings, then each layer), pooled, text_embeds. */
    public record Text(List<double[][]> hiddenStates, double[][] pooled, double[][] embeds) {}

    // ---- the image tower (CLIPVisionTransformer) ----

    /** {@code pixels}: {@code [channels][size][size]} of one image; returns rows for that image only. */
    public Vision vision(double[][][] pixels) throws IOException {
        VisionConfig c = config.vision();
        double[][] h = visionEmbeddings(pixels, c);
        h = layerNorm(h, "vision_model.pre_layrnorm", eps(c.layerNormEps()));
        List<double[][]> states = new ArrayList<>();
        states.add(h);
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            h = visionLayer(i, h);
            states.add(h);
        }
        double[][] pooled = layerNorm(new double[][] {h[0]}, "vision_model.post_layernorm", eps(c.layerNormEps()));
        return new Vision(states, pooled, linear(pooled, "visual_projection.weight", null));
    }

    /** Class token, then one embedding per patch (the stride = kernel Conv2d, no bias), plus position embeddings. */
    public double[][] visionEmbeddings(double[][][] pixels, VisionConfig c) throws IOException {
        int p = c.patchSize(), grid = c.imageSize() / p, d = c.hiddenSize(), channels = c.numChannels();
        double[] conv = weight("vision_model.embeddings.patch_embedding.weight"); // [d][channels][p][p]
        double[] cls = weight("vision_model.embeddings.class_embedding");
        double[] pos = weight("vision_model.embeddings.position_embedding.weight");
        double[][] h = new double[1 + grid * grid][d];
        for (int o = 0; o < d; o++) h[0][o] = cls[o];
        for (int py = 0; py < grid; py++) {
            for (int px = 0; px < grid; px++) {
                for (int o = 0; o < d; o++) {
                    double s = 0;
                    for (int ch = 0; ch < channels; ch++)
                        for (int dy = 0; dy < p; dy++)
                            for (int dx = 0; dx < p; dx++)
                                s += conv[((o * channels + ch) * p + dy) * p + dx]
                                        * pixels[ch][py * p + dy][px * p + dx];
                    h[1 + py * grid + px][o] = s;
                }
            }
        }
        for (int t = 0; t < h.length; t++) for (int o = 0; o < d; o++) h[t][o] += pos[t * d + o];
        return h;
    }

    /** CLIPEncoderLayer: {@code h + out_proj(attn(ln1(h)))}, then {@code + fc2(act(fc1(ln2(h))))}. */
    public double[][] visionLayer(int i, double[][] h) throws IOException {
        VisionConfig c = config.vision();
        String p = "vision_model.encoder.layers." + i + ".";
        double[][] x = layerNorm(h, p + "layer_norm1", eps(c.layerNormEps()));
        double[][] attn = attention(x, p + "self_attn.", "q_proj", "k_proj", "v_proj", c.numAttentionHeads(), null);
        h = add(h, linear(attn, p + "self_attn.out_proj.weight", p + "self_attn.out_proj.bias"));
        x = layerNorm(h, p + "layer_norm2", eps(c.layerNormEps()));
        double[][] m = activation(linear(x, p + "mlp.fc1.weight", p + "mlp.fc1.bias"), c.hiddenAct());
        return add(h, linear(m, p + "mlp.fc2.weight", p + "mlp.fc2.bias"));
    }

    // ---- the text tower (AltCLIPTextModel: XLM-R, then pre_LN and transformation) ----

    /** One text, {@code ids} padded with {@code pad_token_id} where {@code mask} is 0. */
    public Text text(int[] ids, int[] mask) throws IOException {
        TextConfig c = config.text();
        double[][] h = textEmbeddings(ids, c);
        List<double[][]> states = new ArrayList<>();
        states.add(h);
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            h = textLayer(i, h, mask);
            states.add(h);
        }
        h = layerNorm(h, "text_model.pre_LN", eps(c.layerNormEps()));
        double[][] projected = linear(h, "text_model.transformation.weight", "text_model.transformation.bias");
        double[][] pooled = {projected[0]}; // <s>
        return new Text(states, pooled, linear(pooled, "text_projection.weight", null));
    }

    /**
     * {@code LayerNorm(word + position + token_type[0])}; RoBERTa's position ids count real tokens from
     * {@code pad + 1} ({@code create_position_ids_from_input_ids}), padding sits at {@code pad}.
     */
    public double[][] textEmbeddings(int[] ids, TextConfig c) throws IOException {
        String e = "text_model.roberta.embeddings.";
        int d = c.hiddenSize(), pad = c.padTokenId(), real = 0;
        double[] word = weight(e + "word_embeddings.weight"), pos = weight(e + "position_embeddings.weight");
        double[] type = weight(e + "token_type_embeddings.weight");
        double[][] h = new double[ids.length][d];
        for (int t = 0; t < ids.length; t++) {
            int position = ids[t] == pad ? pad : pad + ++real;
            for (int o = 0; o < d; o++) h[t][o] = word[ids[t] * d + o] + pos[position * d + o] + type[o];
        }
        return layerNorm(h, e + "LayerNorm", eps(c.layerNormEps()));
    }

    /** AltRobertaLayer (post-LN): {@code a = LN(h + dense(attn(h)))}, then {@code LN(a + dense(gelu(dense(a))))}. */
    public double[][] textLayer(int i, double[][] h, int[] mask) throws IOException {
        TextConfig c = config.text();
        String p = "text_model.roberta.encoder.layer." + i + ".";
        double eps = eps(c.layerNormEps());
        double[][] attn = attention(h, p + "attention.self.", "query", "key", "value", c.numAttentionHeads(), mask);
        double[][] a = add(h, linear(attn, p + "attention.output.dense.weight", p + "attention.output.dense.bias"));
        a = layerNorm(a, p + "attention.output.LayerNorm", eps);
        double[][] m =
                activation(linear(a, p + "intermediate.dense.weight", p + "intermediate.dense.bias"), c.hiddenAct());
        double[][] out = add(a, linear(m, p + "output.dense.weight", p + "output.dense.bias"));
        return layerNorm(out, p + "output.LayerNorm", eps);
    }

    // ---- the operations ----

    /**
     * Multi-head attention without the output projection: per head, {@code softmax(q k^T / sqrt(headDim)) v}; a key
     * whose {@code mask} is 0 gets no weight (transformers adds the most negative float, whose exp is 0).
     */
    private double[][] attention(double[][] x, String prefix, String q, String k, String v, int heads, int[] mask)
            throws IOException {
        double[][] query = linear(x, prefix + q + ".weight", prefix + q + ".bias");
        double[][] key = linear(x, prefix + k + ".weight", prefix + k + ".bias");
        double[][] value = linear(x, prefix + v + ".weight", prefix + v + ".bias");
        int seq = x.length, width = query[0].length, headDim = width / heads;
        double[][] out = new double[seq][width];
        for (int hd = 0; hd < heads; hd++) {
            int from = hd * headDim;
            for (int i = 0; i < seq; i++) {
                double[] weights = new double[seq];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < seq; j++) {
                    if (mask != null && mask[j] == 0) continue;
                    double s = 0;
                    for (int e = 0; e < headDim; e++) s += query[i][from + e] * key[j][from + e];
                    weights[j] = s / Math.sqrt(headDim);
                    max = Math.max(max, weights[j]);
                }
                double sum = 0;
                for (int j = 0; j < seq; j++) {
                    weights[j] = mask != null && mask[j] == 0 ? 0 : Math.exp(weights[j] - max);
                    sum += weights[j];
                }
                for (int j = 0; j < seq; j++)
                    for (int e = 0; e < headDim; e++) out[i][from + e] += weights[j] / sum * value[j][from + e];
            }
        }
        return out;
    }

    /** {@code x W^T + b} for W {@code [out][in]} ({@code bias} may be null). */
    private double[][] linear(double[][] x, String weight, String bias) throws IOException {
        double[] w = weight(weight), b = bias == null ? null : weight(bias);
        int in = x[0].length, out = w.length / in;
        double[][] y = new double[x.length][out];
        for (int t = 0; t < x.length; t++) {
            for (int o = 0; o < out; o++) {
                double s = b == null ? 0 : b[o];
                for (int i = 0; i < in; i++) s += x[t][i] * w[o * in + i];
                y[t][o] = s;
            }
        }
        return y;
    }

    /** {@code (x - mean) / sqrt(var + eps) * weight + bias} over each row, the biased variance as PyTorch. */
    public double[][] layerNorm(double[][] x, String name, double eps) throws IOException {
        double[] g = weight(name + ".weight"), b = weight(name + ".bias");
        double[][] y = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            int n = x[t].length;
            double mean = 0, var = 0;
            for (double v : x[t]) mean += v / n;
            for (double v : x[t]) var += (v - mean) * (v - mean) / n;
            y[t] = new double[n];
            for (int i = 0; i < n; i++) y[t][i] = (x[t][i] - mean) / Math.sqrt(var + eps) * g[i] + b[i];
        }
        return y;
    }

    /** {@code gelu}: {@code x/2 (1 + erf(x / sqrt 2))}; {@code quick_gelu}: {@code x sigmoid(1.702 x)}. */
    private static double[][] activation(double[][] x, String hiddenAct) {
        double[][] y = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            y[t] = x[t].clone();
            for (int i = 0; i < y[t].length; i++) {
                double v = y[t][i];
                y[t][i] = switch (hiddenAct) {
                    case "gelu" -> 0.5 * v * (1 + erf(v / Math.sqrt(2)));
                    case "quick_gelu" -> v / (1 + Math.exp(-1.702 * v));
                    default -> throw new IllegalArgumentException(hiddenAct);
                };
            }
        }
        return y;
    }

    private static double[][] add(double[][] x, double[][] y) {
        double[][] z = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            z[t] = x[t].clone();
            for (int i = 0; i < z[t].length; i++) z[t][i] += y[t][i];
        }
        return z;
    }

    /**
     * erf by its definition, {@code 2/sqrt(pi)} times the integral of {@code e^(-t^2)} from 0 to x, with Simpson's rule
     * (good to about 1e-14 for the |x| < 10 that occur; past 6 it is 1 to double precision).
     */
    private static double erf(double x) {
        if (Math.abs(x) > 6) return Math.signum(x);
        int n = 2000;
        double h = x / n, s = 1 + Math.exp(-x * x);
        for (int i = 1; i < n; i++) s += (i % 2 == 1 ? 4 : 2) * Math.exp(-(i * h) * (i * h));
        return s * h / 3 * 2 / Math.sqrt(Math.PI);
    }

    /**
     * The config's {@code layer_norm_eps} as the double that config.json spells (1e-5, not the float nearest to it):
     * the config keeps it as a float, and on LayerNorms of small variance the difference shows at 1e-11.
     */
    public static double eps(float configured) {
        return Double.parseDouble(Float.toString(configured));
    }

    /** A checkpoint tensor as doubles (16-bit and float32 values widened exactly). */
    private double[] weight(String name) throws IOException {
        double[] w = loaded.get(name);
        if (w == null) {
            float[] f = checkpoint.readFloat(name).toArray();
            w = new double[f.length];
            for (int i = 0; i < f.length; i++) w[i] = f[i];
            loaded.put(name, w);
        }
        return w;
    }
}
