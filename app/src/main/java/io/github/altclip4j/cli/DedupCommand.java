package io.github.altclip4j.cli;

import io.github.altclip4j.formats.JsonWriter;
import io.github.altclip4j.index.ImageIndex;
import io.github.altclip4j.tensor.ThreadPool;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code altclip dedup --index INDEX [--threshold 0.95]}: groups of near-duplicate images, as JSON. */
final class DedupCommand implements Command {

    @Override
    public String summary() {
        return "find groups of near-duplicate images in an index (JSON)";
    }

    @Override
    public String description() {
        return "Every pair of indexed images whose embeddings have a cosine of at least --threshold, joined into\n"
                + "connected components. Prints [{\"images\": [{\"path\", \"row\", \"best_score\"}]}], groups by their first row.\n"
                + "Needs no model: it compares the stored embeddings.";
    }

    @Override
    public OptionSpec options() {
        return new OptionSpec()
                .value("--index", "INDEX", "the index folder; required", null)
                .number("--threshold", "T", "the cosine from which two images count as duplicates", 0.95)
                .integer(
                        "--threads",
                        "N",
                        "compute threads",
                        Runtime.getRuntime().availableProcessors(),
                        1,
                        "one per processor");
    }

    @Override
    public int run(ParsedArgs a, Console c) throws IOException {
        Path dir = a.path("--index");
        if (dir == null) throw new UsageException("--index INDEX is required");
        double threshold = a.number("--threshold");
        if (threshold < -1 || threshold > 1)
            throw new UsageException("--threshold must be a cosine, from -1 to 1; got " + threshold);
        ImageIndex index = ImageIndex.open(dir);
        List<ImageIndex.DuplicateGroup> groups;
        try (ThreadPool pool = new ThreadPool(a.integer("--threads"))) {
            groups = index.duplicates(pool, (float) threshold);
        }
        List<Group> out = new ArrayList<>();
        for (ImageIndex.DuplicateGroup g : groups) {
            List<Member> members = new ArrayList<>();
            for (ImageIndex.Result r : g.images()) members.add(new Member(r.path(), r.row(), r.score()));
            out.add(new Group(members));
        }
        c.out().println(new JsonWriter().any(out));
        return 0;
    }

    /** An image of a group: its best cosine to another member. */
    record Member(Path path, int row, float bestScore) {}

    record Group(List<Member> images) {}
}
