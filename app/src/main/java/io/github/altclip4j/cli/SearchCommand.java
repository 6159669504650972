package io.github.altclip4j.cli;

import io.github.altclip4j.AltClip;
import io.github.altclip4j.formats.JsonWriter;
import io.github.altclip4j.index.ImageIndex;
import io.github.altclip4j.model.ModelFolder;
import io.github.altclip4j.model.Towers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code altclip search --model DIR --index INDEX "query"... [--image FILE]...}. */
final class SearchCommand implements Command {

    @Override
    public String summary() {
        return "search an index by text (any language) or by image";
    }

    @Override
    public String description() {
        return "Ranks the indexed images by cosine similarity to each query: a text, in any language, or an image\n"
                + "(--image, image-to-image). Exact search over every stored vector. Prints a table per query: score,\n"
                + "row, path; --json prints [{\"query\", \"results\": [{\"path\", \"score\", \"row\"}]}].";
    }

    @Override
    public OptionSpec options() {
        return ModelOptions.addTo(new OptionSpec())
                .value("--index", "INDEX", "the index folder; required", null)
                .repeated("--image", "FILE", "an image to find similar images to")
                .integer("-k", "K", "results per query", 10, 1)
                .number("--min-score", "S", "leave out results with a cosine below S", Double.NEGATIVE_INFINITY)
                .flag("--json", "print JSON")
                .positionals("QUERY", "texts to search for", 0, Integer.MAX_VALUE);
    }

    @Override
    public int run(ParsedArgs a, Console c) throws IOException {
        Path dir = a.path("--index");
        if (dir == null) throw new UsageException("--index INDEX is required");
        List<String> texts = a.positionals();
        List<Path> images = new ArrayList<>();
        for (String i : a.all("--image"))
            images.add(InputFiles.requireFile(ParsedArgs.toPath("--image", i), "image file"));
        if (texts.isEmpty() && images.isEmpty()) throw new UsageException("give a text to search for, or --image FILE");
        int k = a.integer("-k");
        float minScore = (float) a.number("--min-score");
        ImageIndex index = ImageIndex.open(dir);
        ModelFolder model = ModelOptions.folder(a);
        index.requireModel(model); // before the weights are loaded
        List<String> labels = new ArrayList<>(texts);
        float[][] queries = new float[texts.size() + images.size()][];
        List<List<ImageIndex.Result>> results;
        // a text query needs the text tower, an image query the image tower: load only what the queries need
        Towers towers = texts.isEmpty() ? Towers.IMAGE : images.isEmpty() ? Towers.TEXT : Towers.BOTH;
        try (AltClip clip = ModelOptions.load(a, c, model, towers)) {
            List<float[]> t = clip.embedTexts(texts), im = clip.embedImages(images);
            for (int i = 0; i < t.size(); i++) queries[i] = t.get(i);
            for (int i = 0; i < im.size(); i++) {
                queries[t.size() + i] = im.get(i);
                labels.add("image:" + images.get(i));
            }
            results = index.search(clip, queries, k, minScore);
        }
        if (a.has("--json")) {
            List<QueryResults> out = new ArrayList<>();
            for (int q = 0; q < queries.length; q++) out.add(new QueryResults(labels.get(q), results.get(q)));
            c.out().println(new JsonWriter().any(out));
            return 0;
        }
        for (int q = 0; q < queries.length; q++) {
            if (queries.length > 1) c.out().println((q > 0 ? "\n" : "") + "== " + labels.get(q));
            for (ImageIndex.Result r : results.get(q))
                c.out().printf(Locale.ROOT, "%.4f  %6d  %s%n", r.score(), r.row(), r.path());
        }
        return 0;
    }

    /** One query's hits, best first, as {@code --json} prints them. */
    record QueryResults(String query, List<ImageIndex.Result> results) {}
}
