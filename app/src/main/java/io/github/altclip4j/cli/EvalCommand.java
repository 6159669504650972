package io.github.altclip4j.cli;

import io.github.altclip4j.AltClip;
import io.github.altclip4j.ImageInput;
import io.github.altclip4j.PromptTemplates;
import io.github.altclip4j.eval.Rankings;
import io.github.altclip4j.formats.JsonWriter;
import io.github.altclip4j.model.Towers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code altclip eval --model DIR (--classes DIR | --captions FILE)}: how well a model does what the AltCLIP paper
 * measures, on data the user has: zero-shot top-1/top-5 accuracy on a folder of class folders (ImageNet/CIFAR
 * layout), or image-text retrieval recall@1/5/10 in both directions on a captions file (Flickr30k/COCO style).
 */
final class EvalCommand implements Command {

    @Override
    public String summary() {
        return "measure zero-shot accuracy or image-text retrieval recall on your own labelled data";
    }

    @Override
    public String description() {
        return "--classes DIR: every subfolder is a class (its name, '_' read as a space, is the label) holding its\n"
                + "images; prints top-1 and top-5 accuracy of zero-shot classification, with --templates (CLIP's\n"
                + "clip-cifar or clip-imagenet prompts, or a file) averaged as CLIP does.\n"
                + "--captions FILE: one 'IMAGE<TAB>CAPTION' per line (an image may have several captions; paths relative\n"
                + "to the file's folder); prints recall@1/5/10 from text to image and from image to text, as the AltCLIP\n"
                + "paper's retrieval tables. Images that cannot be read are counted and left out.";
    }

    @Override
    public OptionSpec options() {
        return ModelOptions.addTo(new OptionSpec())
                .value("--classes", "DIR", "a folder of class folders (zero-shot classification)", null)
                .value("--captions", "FILE", "a file of IMAGE<TAB>CAPTION lines (retrieval)", null)
                .value(
                        "--templates",
                        "SET|FILE",
                        "prompts for --classes: " + String.join(", ", PromptTemplates.names()) + ", or a file",
                        "{} (the label alone)")
                .integer("--per-class", "N", "evaluate only the first N images of each class (a quick check)", 1, "all")
                .flag("--json", "print the result as JSON");
    }

    /** What {@code --classes} prints. */
    record ZeroShot(int classes, int templates, int images, int failed, double top1, double top5) {}

    record Recall(double r1, double r5, double r10) {}

    /** What {@code --captions} prints. */
    record Retrieval(int images, int captions, int failed, Recall textToImage, Recall imageToText) {}

    @Override
    public int run(ParsedArgs a, Console c) throws IOException {
        if (a.has("--classes") == a.has("--captions"))
            throw new UsageException("give --classes DIR or --captions FILE");
        if (a.has("--classes")) return zeroShot(a, c);
        return retrieval(a, c);
    }

    private int zeroShot(ParsedArgs a, Console c) throws IOException {
        Path dir = a.path("--classes");
        if (!Files.isDirectory(dir)) throw new NoSuchFileException(dir.toString(), null, "no such folder of classes");
        List<Path> classDirs;
        try (Stream<Path> s = Files.list(dir)) {
            classDirs = s.filter(Files::isDirectory).sorted().toList();
        }
        if (classDirs.size() < 2) throw new UsageException(dir + " needs at least two class folders");
        List<String> labels = new ArrayList<>();
        List<ImageInput> images = new ArrayList<>();
        List<Integer> truth = new ArrayList<>();
        for (int k = 0; k < classDirs.size(); k++) {
            labels.add(classDirs.get(k).getFileName().toString().replace('_', ' '));
            List<Path> files = InputFiles.images(List.of(classDirs.get(k)));
            if (a.has("--per-class")) files = files.subList(0, Math.min(files.size(), a.integer("--per-class")));
            for (Path f : files) {
                images.add(ImageInput.file(f));
                truth.add(k);
            }
        }
        if (images.isEmpty()) throw new UsageException("no images in the class folders of " + dir);
        List<String> templates =
                a.has("--templates") ? PromptTemplates.of(a.string("--templates", null)) : List.of("{}");
        List<float[]> imageVectors = new ArrayList<>(), labelVectors;
        List<Set<Integer>> relevant = new ArrayList<>();
        int failed;
        try (AltClip clip = ModelOptions.load(a, c, Towers.BOTH)) {
            labelVectors = clip.embedLabels(labels, templates);
            failed = embed(clip, images, c, (i, v) -> {
                imageVectors.add(v);
                relevant.add(Set.of(truth.get(i)));
            });
        }
        int[] ranks = Rankings.firstRelevantRanks(Rankings.cosines(imageVectors, labelVectors), relevant);
        ZeroShot r = new ZeroShot(
                labels.size(),
                templates.size(),
                ranks.length,
                failed,
                Rankings.recallAt(ranks, 1),
                Rankings.recallAt(ranks, 5));
        if (a.has("--json")) c.out().println(new JsonWriter().any(r));
        else
            c.out()
                    .printf(
                            Locale.ROOT,
                            "top-1 %.2f%%  top-5 %.2f%%  (%d images, %d classes, %d template(s), %d unreadable)%n",
                            100 * r.top1(),
                            100 * r.top5(),
                            r.images(),
                            r.classes(),
                            r.templates(),
                            r.failed());
        return r.images() == 0 ? 1 : 0;
    }

    private int retrieval(ParsedArgs a, Console c) throws IOException {
        Path file = InputFiles.requireFile(a.path("--captions"), "captions file");
        Path base = file.toAbsolutePath().getParent();
        Map<Path, List<String>> byImage = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n);
            if (line.isBlank()) continue;
            int tab = line.indexOf('\t');
            if (tab <= 0 || tab == line.length() - 1)
                throw new UsageException(file + ": line " + (n + 1) + " is not IMAGE<TAB>CAPTION");
            Path image = base.resolve(line.substring(0, tab));
            byImage.computeIfAbsent(image, k -> new ArrayList<>()).add(line.substring(tab + 1));
        }
        if (byImage.isEmpty()) throw new UsageException(file + " has no captions");
        List<Path> images = new ArrayList<>(byImage.keySet());
        List<float[]> imageVectors = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        List<Integer> captionImage = new ArrayList<>();
        List<Set<Integer>> imageCaptions = new ArrayList<>();
        int failed;
        List<float[]> captionVectors;
        try (AltClip clip = ModelOptions.load(a, c, Towers.BOTH)) {
            failed = embed(clip, images.stream().map(ImageInput::file).toList(), c, (i, v) -> {
                Set<Integer> mine = new HashSet<>();
                for (String caption : byImage.get(images.get(i))) {
                    mine.add(captions.size());
                    captions.add(caption);
                    captionImage.add(imageVectors.size());
                }
                imageCaptions.add(mine);
                imageVectors.add(v);
            });
            captionVectors = clip.embedTexts(captions);
        }
        List<Set<Integer>> captionRelevant = new ArrayList<>();
        for (int i : captionImage) captionRelevant.add(Set.of(i));
        int[] t2i = Rankings.firstRelevantRanks(Rankings.cosines(captionVectors, imageVectors), captionRelevant);
        int[] i2t = Rankings.firstRelevantRanks(Rankings.cosines(imageVectors, captionVectors), imageCaptions);
        Retrieval r = new Retrieval(imageVectors.size(), captions.size(), failed, recall(t2i), recall(i2t));
        if (a.has("--json")) c.out().println(new JsonWriter().any(r));
        else
            c.out()
                    .printf(
                            Locale.ROOT,
                            "text to image  R@1 %.2f%%  R@5 %.2f%%  R@10 %.2f%%%nimage to text  R@1 %.2f%%  R@5 %.2f%%  R@10"
                                    + " %.2f%%%n(%d images, %d captions, %d unreadable)%n",
                            100 * r.textToImage().r1(),
                            100 * r.textToImage().r5(),
                            100 * r.textToImage().r10(),
                            100 * r.imageToText().r1(),
                            100 * r.imageToText().r5(),
                            100 * r.imageToText().r10(),
                            r.images(),
                            r.captions(),
                            r.failed());
        return r.images() == 0 ? 1 : 0;
    }

    private static Recall recall(int[] ranks) {
        return new Recall(Rankings.recallAt(ranks, 1), Rankings.recallAt(ranks, 5), Rankings.recallAt(ranks, 10));
    }

    @FunctionalInterface
    private interface Embedded {
        void accept(int input, float[] vector);
    }

    /** Embeds the images a batch at a time (decoding ahead on one thread), with a progress line; returns the failures. */
    private static int embed(AltClip clip, List<ImageInput> images, Console c, Embedded sink) throws IOException {
        int[] done = {0}, failed = {0};
        long start = System.nanoTime();
        long[] printed = {start};
        clip.embedAll(images, AltClip.Batching.defaults().withDecodeThreads(1), batch -> {
            for (AltClip.ImageResult r : batch.results()) {
                if (r.ok()) sink.accept(done[0], r.embedding());
                else {
                    failed[0]++;
                    c.err().println("altclip eval: skipped " + r.error().getMessage());
                }
                done[0]++;
            }
            long now = System.nanoTime();
            if (now - printed[0] > 10_000_000_000L || done[0] == images.size()) {
                printed[0] = now;
                c.err()
                        .printf(
                                Locale.ROOT,
                                "altclip: embedded %d/%d images, %.1f images/s%n",
                                done[0],
                                images.size(),
                                done[0] / ((now - start) / 1e9));
            }
        });
        return failed[0];
    }
}
