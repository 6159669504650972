package io.github.altclip4j.cli;

import io.github.altclip4j.AltClip;
import io.github.altclip4j.ImageInput;
import io.github.altclip4j.formats.JsonWriter;
import io.github.altclip4j.image.ImageDecoder;
import io.github.altclip4j.index.ImageIndex;
import io.github.altclip4j.model.ModelFolder;
import io.github.altclip4j.model.Towers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
                + "id (stable across re-indexing), path; --json prints [{\"query\", \"results\": [{\"path\", \"score\",\n"
                + "\"row\", \"id\"}]}].";
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
        List<Query> queries = new ArrayList<>();
        if (texts.contains("+") || texts.contains("-")) {
            queries.add(Query.combined(texts));
        } else {
            for (String t : texts) queries.add(new Query(t, List.of(AltClip.QueryTerm.text(t, 1))));
        }
        for (Path i : images)
            queries.add(new Query("image:" + i, List.of(AltClip.QueryTerm.image(ImageInput.file(i), 1))));
        // a text needs the text tower, an image the image tower: load only what the queries need
        boolean anyText = false, anyImage = false;
        for (Query q : queries)
            for (AltClip.QueryTerm t : q.terms()) {
                anyText |= t.text() != null;
                anyImage |= t.image() != null;
            }
        Towers towers = !anyText ? Towers.IMAGE : !anyImage ? Towers.TEXT : Towers.BOTH;
        List<String> labels = new ArrayList<>();
        float[][] vectors = new float[queries.size()][];
        List<List<ImageIndex.Result>> results;
        try (AltClip clip = ModelOptions.load(a, c, model, towers)) {
            for (int q = 0; q < queries.size(); q++) {
                vectors[q] = clip.embedQuery(queries.get(q).terms());
                labels.add(queries.get(q).label());
            }
            results = index.search(clip, vectors, k, minScore);
        }
        if (a.has("--json")) {
            List<QueryResults> out = new ArrayList<>();
            for (int q = 0; q < vectors.length; q++) out.add(new QueryResults(labels.get(q), results.get(q)));
            c.out().println(new JsonWriter().any(out));
            return 0;
        }
        for (int q = 0; q < vectors.length; q++) {
            if (vectors.length > 1) c.out().println((q > 0 ? "\n" : "") + "== " + labels.get(q));
            for (ImageIndex.Result r : results.get(q))
                c.out().printf(Locale.ROOT, "%.4f  %6d  %s%n", r.score(), r.id(), r.path());
        }
        return 0;
    }

    /** One query's hits, best first, as {@code --json} prints them. */
    record QueryResults(String query, List<ImageIndex.Result> results) {}

    /** A query as the user wrote it, and its terms. */
    record Query(String label, List<AltClip.QueryTerm> terms) {
        private static final Pattern WEIGHT = Pattern.compile("^([0-9]+(?:\\.[0-9]+)?):(.+)$");

        /**
         * rclip's syntax: terms joined by {@code +} and {@code -} (separate arguments), each a text or the path of an
         * image file, with an optional weight: {@code "2:golden retriever" + pool.jpg - fruit}.
         */
        static Query combined(List<String> args) {
            List<AltClip.QueryTerm> terms = new ArrayList<>();
            float sign = 1;
            boolean expectTerm = true;
            for (String arg : args) {
                if (arg.equals("+") || arg.equals("-")) {
                    if (expectTerm && !terms.isEmpty())
                        throw new UsageException("two operators in a row in the query: " + String.join(" ", args));
                    sign = arg.equals("-") ? -1 : 1;
                    expectTerm = true;
                    continue;
                }
                if (!expectTerm)
                    throw new UsageException("join the query's terms with + or - (separate arguments): '" + arg + "'");
                float weight = 1;
                String term = arg;
                Matcher m = WEIGHT.matcher(arg);
                if (m.matches()) {
                    weight = Float.parseFloat(m.group(1));
                    term = m.group(2);
                }
                Path file = Path.of(term);
                terms.add(
                        ImageDecoder.hasImageExtension(file) && Files.isRegularFile(file)
                                ? AltClip.QueryTerm.image(ImageInput.file(file), sign * weight)
                                : AltClip.QueryTerm.text(term, sign * weight));
                sign = 1;
                expectTerm = false;
            }
            if (expectTerm) throw new UsageException("the query ends with an operator: " + String.join(" ", args));
            return new Query(String.join(" ", args), terms);
        }
    }
}
