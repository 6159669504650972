package io.github.altclip4j.cli;

import io.github.altclip4j.AltClip;
import io.github.altclip4j.Version;
import io.github.altclip4j.formats.AtomicFile;
import io.github.altclip4j.formats.JsonWriter;
import io.github.altclip4j.formats.Npy;
import io.github.altclip4j.model.Towers;
import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.weights.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code altclip embed --model DIR [--text T]... [--image FILE|DIR]... [--output OUT]}. */
final class EmbedCommand implements Command {

    @Override
    public String summary() {
        return "embed texts and images: safetensors, .npy or JSON, each row named by its input";
    }

    @Override
    public String description() {
        return "Runs the texts and images through AltCLIP. The output's format follows its extension:\n"
                + "  .safetensors  input_ids, attention_mask (I64), pixel_values, text_features, image_features (before\n"
                + "                normalisation), text_embeds, image_embeds (unit length), logits_per_text, logits_per_image;\n"
                + "                the metadata \"texts\" and \"images\" (JSON arrays) name the rows\n"
                + "  .npy          the unit-length embeddings of one kind (texts or images) as float32 [n][dim], plus\n"
                + "                OUT.names.json naming the rows\n"
                + "  .json         (and without --output, on stdout) {\"texts\": [{\"text\", \"embedding\"}], \"images\":\n"
                + "                [{\"path\", \"embedding\"}], \"logits_per_text\"}";
    }

    @Override
    public OptionSpec options() {
        return ModelOptions.addTo(new OptionSpec())
                .repeated("--text", "TEXT", "a text to embed")
                .value("--texts-file", "FILE", "texts to embed, one per line (- reads stdin)", null)
                .repeated("--image", "FILE|DIR", "an image to embed, or a folder whose images are all embedded")
                .value("--images-file", "FILE", "image paths, one per line (- reads stdin)", null)
                .value("--output", "OUT", "write OUT.safetensors, OUT.npy or OUT.json instead of printing JSON", null);
    }

    @Override
    public int run(ParsedArgs a, Console c) throws IOException {
        List<String> texts = new ArrayList<>(a.all("--text"));
        if (a.has("--texts-file")) texts.addAll(InputFiles.lines(a.string("--texts-file", null), c.in(), "texts file"));
        List<Path> given = new ArrayList<>();
        for (String i : a.all("--image")) given.add(ParsedArgs.toPath("--image", i));
        if (a.has("--images-file")) {
            if (a.string("--texts-file", "").equals("-")
                    && a.string("--images-file", null).equals("-")) {
                throw new UsageException("only one of --texts-file and --images-file can read stdin");
            }
            for (String line : InputFiles.lines(a.string("--images-file", null), c.in(), "images file"))
                given.add(ParsedArgs.toPath("image", line));
        }
        List<Path> images = InputFiles.images(given);
        if (texts.isEmpty() && images.isEmpty())
            throw new UsageException("give at least one text or image (--text, --image, --texts-file, --images-file)");
        Path output = a.path("--output");
        String kind = output == null ? "json" : extension(output);
        if (output != null) {
            if (!kind.equals("safetensors") && !kind.equals("npy") && !kind.equals("json")) {
                throw new UsageException("--output must end in .safetensors, .npy or .json, got '" + output + "'");
            }
            if (kind.equals("npy") && !texts.isEmpty() && !images.isEmpty()) {
                throw new UsageException(
                        "a .npy file holds one matrix: embed texts and images into separate files, or use .safetensors");
            }
            InputFiles.requireWritable(output);
        }
        AltClip.Outputs o;
        Towers towers = texts.isEmpty() ? Towers.IMAGE : images.isEmpty() ? Towers.TEXT : Towers.BOTH;
        try (AltClip clip = ModelOptions.load(a, c, towers)) {
            c.err().printf(Locale.ROOT, "altclip: embedding %d text(s) and %d image(s)%n", texts.size(), images.size());
            o = clip.run(texts, images);
        }
        List<String> paths = images.stream().map(Path::toString).toList();
        switch (kind) {
            case "safetensors":
                new SafetensorsWriter()
                        .metadata("format", "pt")
                        .metadata("producer", "altclip4j " + Version.get())
                        .metadata("texts", new JsonWriter().any(texts).toString())
                        .metadata("images", new JsonWriter().any(paths).toString())
                        .addLongs("input_ids", flatten(o.inputIds()), o.inputIds().length, width(o.inputIds()))
                        .addLongs(
                                "attention_mask",
                                flatten(o.attentionMask()),
                                o.attentionMask().length,
                                width(o.attentionMask()))
                        .add("pixel_values", o.pixelValues())
                        .add("text_features", o.textFeatures())
                        .add("image_features", o.imageFeatures())
                        .add("text_embeds", o.textEmbeds())
                        .add("image_embeds", o.imageEmbeds())
                        .add("logits_per_text", o.logitsPerText())
                        .add("logits_per_image", o.logitsPerImage())
                        .write(output);
                break;
            case "npy": {
                FloatTensor e = texts.isEmpty() ? o.imageEmbeds() : o.textEmbeds();
                Npy.write(output, e.toArray(), e.rows(), e.cols());
                Path names = output.resolveSibling(
                        output.getFileName().toString().replaceFirst("\\.npy$", "") + ".names.json");
                String json = new JsonWriter()
                        .any(texts.isEmpty() ? new Names(null, paths) : new Names(texts, null))
                        .toString();
                AtomicFile.writeString(names, json + "\n");
                c.err().println("altclip: wrote " + names);
                break;
            }
            default: {
                String json = json(texts, paths, o);
                if (output == null) {
                    c.out().println(json);
                    return 0;
                }
                AtomicFile.writeString(output, json + "\n");
            }
        }
        c.err().println("altclip: wrote " + output);
        return 0;
    }

    /** The rows of a {@code .npy} output, named in {@code OUT.names.json}: texts or image paths. */
    record Names(List<String> texts, List<String> images) {}

    record EmbeddedText(String text, float[] embedding) {}

    record EmbeddedImage(String path, float[] embedding) {}

    /** The JSON output: each text's and image's embedding, and the scaled similarities, one row per text. */
    record Embeddings(List<EmbeddedText> texts, List<EmbeddedImage> images, List<float[]> logitsPerText) {}

    private static String json(List<String> texts, List<String> paths, AltClip.Outputs o) {
        List<EmbeddedText> t = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++)
            t.add(new EmbeddedText(texts.get(i), o.textEmbeds().slice(i, i + 1).toArray()));
        List<EmbeddedImage> im = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++)
            im.add(new EmbeddedImage(
                    paths.get(i), o.imageEmbeds().slice(i, i + 1).toArray()));
        List<float[]> logits = new ArrayList<>();
        for (int r = 0; r < o.logitsPerText().rows(); r++)
            logits.add(o.logitsPerText().slice(r, r + 1).toArray());
        return new JsonWriter().any(new Embeddings(t, im, logits)).toString();
    }

    private static String extension(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static int width(int[][] a) {
        return a.length == 0 ? 0 : a[0].length;
    }

    private static long[] flatten(int[][] a) {
        long[] out = new long[a.length * width(a)];
        for (int r = 0; r < a.length; r++) for (int c = 0; c < a[r].length; c++) out[r * a[r].length + c] = a[r][c];
        return out;
    }
}
