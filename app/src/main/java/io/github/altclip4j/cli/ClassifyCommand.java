package io.github.altclip4j.cli;

import io.github.altclip4j.AltClip;
import io.github.altclip4j.ImageInput;
import io.github.altclip4j.PromptTemplates;
import io.github.altclip4j.formats.JsonWriter;
import io.github.altclip4j.model.Towers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code altclip classify --model DIR (IMAGE LABEL... | --image FILE|DIR... LABEL...)}. */
final class ClassifyCommand implements Command {

    @Override
    public String summary() {
        return "zero-shot classify images against labels (any language)";
    }

    @Override
    public String description() {
        return "Prints each label with its probability (softmax over the scaled image-text similarities), best first.\n"
                + "Either IMAGE LABEL... (one image, then the labels), or --image for each image or folder of images and\n"
                + "the labels as arguments. Labels may also come from --labels-file (one per line, - for stdin).";
    }

    @Override
    public OptionSpec options() {
        return ModelOptions.addTo(new OptionSpec())
                .repeated("--image", "FILE|DIR", "an image, or a folder whose images are all classified")
                .value("--labels-file", "FILE", "labels, one per line (- reads stdin)", null)
                .integer("--top", "K", "print only the K most probable labels", 1, "all")
                .repeated(
                        "--template",
                        "T",
                        "a prompt with {} for the label, e.g. 'a photo of {}.'; several are averaged (CLIP's recipe)")
                .value(
                        "--templates",
                        "SET|FILE",
                        "a set of prompts: " + String.join(", ", PromptTemplates.names())
                                + " (CLIP's), or a file with one per line",
                        null)
                .flag("--json", "print JSON: [{\"image\", \"labels\": [{\"label\", \"probability\"}]}]")
                .positionals(
                        "IMAGE LABEL",
                        "without --image: the image, then the labels; with it: the labels",
                        0,
                        Integer.MAX_VALUE);
    }

    @Override
    public int run(ParsedArgs a, Console c) throws IOException {
        List<String> words = new ArrayList<>(a.positionals());
        List<Path> given = new ArrayList<>();
        for (String i : a.all("--image")) given.add(ParsedArgs.toPath("--image", i));
        if (given.isEmpty()) {
            if (words.isEmpty()) throw new UsageException("expected an image and labels");
            given.add(ParsedArgs.toPath("image", words.remove(0)));
        }
        if (a.has("--labels-file"))
            words.addAll(InputFiles.lines(a.string("--labels-file", null), c.in(), "labels file"));
        if (words.isEmpty()) throw new UsageException("expected at least one label");
        for (String w : words) {
            if (InputFiles.isImageFile(w))
                throw new UsageException("label '" + w + "' is an image file; give several images with --image");
        }
        int top = a.has("--top") ? a.integer("--top") : words.size();
        List<String> templates = new ArrayList<>();
        if (a.has("--templates")) templates.addAll(PromptTemplates.of(a.string("--templates", null)));
        templates.addAll(a.all("--template"));
        if (templates.isEmpty()) templates.add("{}"); // the labels as written
        for (String t : templates)
            if (!t.contains("{}")) throw new UsageException("--template '" + t + "' has no {} for the label");
        List<Path> images = InputFiles.images(given);
        if (images.isEmpty()) throw new UsageException("no images in " + given);
        List<List<AltClip.Label>> results = new ArrayList<>();
        List<Path> classified = new ArrayList<>();
        int failed = 0;
        try (AltClip clip = ModelOptions.load(a, c, Towers.BOTH)) {
            List<float[]> labelEmbeds = clip.embedLabels(words, templates);
            // As index does: a file that cannot be read is reported and skipped, the others are classified.
            List<AltClip.ImageResult> embedded =
                    clip.embedAll(images.stream().map(ImageInput::file).toList());
            for (int i = 0; i < images.size(); i++) {
                AltClip.ImageResult r = embedded.get(i);
                if (r.ok()) {
                    results.add(clip.rank(r.embedding(), words, labelEmbeds));
                    classified.add(images.get(i));
                } else {
                    failed++;
                    c.err().println("altclip classify: skipped " + r.error().getMessage());
                }
            }
        }
        images = classified;
        if (failed > 0) {
            c.err()
                    .printf(
                            Locale.ROOT,
                            "altclip classify: %d of %d images could not be read%n",
                            failed,
                            failed + images.size());
            if (images.isEmpty()) return 1;
        }
        if (a.has("--json")) {
            List<Classified> out = new ArrayList<>();
            for (int i = 0; i < images.size(); i++)
                out.add(new Classified(images.get(i), results.get(i).subList(0, Math.min(top, words.size()))));
            c.out().println(new JsonWriter().any(out));
            return 0;
        }
        for (int i = 0; i < images.size(); i++) {
            if (images.size() > 1) c.out().println((i > 0 ? "\n" : "") + images.get(i));
            for (AltClip.Label l : results.get(i).subList(0, Math.min(top, words.size()))) {
                c.out().printf(Locale.ROOT, "%.4f  %s%n", l.probability(), l.text());
            }
        }
        return 0;
    }

    /** One image's labels, best first, as {@code --json} prints them. */
    record Classified(Path image, List<AltClip.Label> labels) {}
}
