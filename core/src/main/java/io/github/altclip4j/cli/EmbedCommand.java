package io.github.altclip4j.cli;

import io.github.altclip4j.AltClip;
import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.weights.SafetensorsWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code altclip embed --model DIR [--text T]... [--image PATH]... [--output OUT.safetensors]}. */
final class EmbedCommand implements Command {

    @Override public String summary() { return "embed texts and images; write safetensors or print JSON"; }

    @Override public String usage() { return "--model DIR [--text T]... [--image PATH]... [--output OUT.safetensors] [--threads N] [--weights as-stored|f32|bf16|f16|int8]"; }

    @Override
    public String description() {
        return "Runs the texts and images through AltCLIP. With --output, writes input_ids and attention_mask (I64),\n"
                + "pixel_values, text_features and image_features (before normalisation), text_embeds and image_embeds\n"
                + "(normalised), logits_per_text and logits_per_image. Without it, prints the embeddings and logits as JSON.";
    }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        ModelArgs m = new ModelArgs();
        List<String> texts = new ArrayList<>();
        List<Path> images = new ArrayList<>();
        Path output = null;
        for (int i = 0; i < args.length; i++) {
            int used = m.accept(args, i);
            if (used >= 0) {
                i = used;
                continue;
            }
            switch (args[i]) {
                case "--text": texts.add(ModelArgs.value(args, ++i, "--text")); break;
                case "--image": images.add(Paths.get(ModelArgs.value(args, ++i, "--image"))); break;
                case "--output": output = Paths.get(ModelArgs.value(args, ++i, "--output")); break;
                default: throw new UsageException("unknown argument '" + args[i] + "'");
            }
        }
        if (texts.isEmpty() && images.isEmpty()) throw new UsageException("give at least one --text or --image");
        try (AltClip clip = m.load(err)) {
            err.printf("altclip: embedding %d text(s) and %d image(s)%n", texts.size(), images.size());
            AltClip.Outputs o = clip.run(texts, images);
            if (output != null) {
                new SafetensorsWriter().metadata("format", "pt").metadata("producer", "altclip4j")
                        .addLongs("input_ids", flatten(o.inputIds()), o.inputIds().length, width(o.inputIds()))
                        .addLongs("attention_mask", flatten(o.attentionMask()), o.attentionMask().length, width(o.attentionMask()))
                        .add("pixel_values", o.pixelValues())
                        .add("text_features", o.textFeatures()).add("image_features", o.imageFeatures())
                        .add("text_embeds", o.textEmbeds()).add("image_embeds", o.imageEmbeds())
                        .add("logits_per_text", o.logitsPerText()).add("logits_per_image", o.logitsPerImage())
                        .write(output);
                err.println("altclip: wrote " + output);
            } else {
                out.println("{\"text_embeds\": " + json(o.textEmbeds()) + ", \"image_embeds\": " + json(o.imageEmbeds())
                        + ", \"logits_per_text\": " + json(o.logitsPerText()) + "}");
            }
        }
        return 0;
    }

    private static int width(int[][] a) {
        return a.length == 0 ? 0 : a[0].length;
    }

    private static long[] flatten(int[][] a) {
        long[] out = new long[a.length * width(a)];
        for (int r = 0; r < a.length; r++) for (int c = 0; c < a[r].length; c++) out[r * a[r].length + c] = a[r][c];
        return out;
    }

    static String json(FloatTensor t) {
        StringBuilder b = new StringBuilder("[");
        for (int r = 0; r < t.rows(); r++) {
            b.append(r > 0 ? ", [" : "[");
            for (int c = 0; c < t.cols(); c++) b.append(c > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.8g", t.get(r, c)));
            b.append(']');
        }
        return b.append(']').toString();
    }
}
