package io.github.altclip4j.cli;

import io.github.altclip4j.formats.JsonWriter;
import io.github.altclip4j.index.ImageIndex;
import io.github.altclip4j.index.KeepRule;
import io.github.altclip4j.tensor.ThreadPool;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code altclip dedup --index INDEX [--threshold 0.95] [--keep largest|oldest|newest|most-exif] [--others]}: groups of
 * near-duplicate images, each with the copy to keep, as JSON; or only the others' paths, for a script to act on.
 */
final class DedupCommand implements Command {

    @Override
    public String summary() {
        return "find groups of near-duplicate images in an index (JSON)";
    }

    @Override
    public String description() {
        return "Every pair of indexed images whose embeddings have a cosine of at least --threshold, joined into\n"
                + "connected components. Prints [{\"keep\", \"others\": [...], \"images\": [{\"path\", \"id\", \"best_score\"}]}],\n"
                + "groups by their first row; --others prints only the paths not kept, one per line. Needs no model: it\n"
                + "compares the stored embeddings. 0.95 finds re-encoded, resized and lightly edited copies; immich's\n"
                + "default (a cosine distance of 0.01) is --threshold 0.99, exact-looking copies only.";
    }

    @Override
    public OptionSpec options() {
        return new OptionSpec()
                .value("--index", "INDEX", "the index folder; required", null)
                .number(
                        "--threshold",
                        "T",
                        "the cosine from which two images count as duplicates",
                        ImageIndex.DUPLICATE_THRESHOLD)
                .choice("--keep", "RULE", "which copy of a group to keep", KeepRule.class, KeepRule.LARGEST)
                .flag("--others", "print only the paths of the copies not kept, one per line")
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
            groups = index.duplicates(pool, (float) threshold, a.choice("--keep", KeepRule.class));
        }
        List<Group> out = new ArrayList<>();
        for (ImageIndex.DuplicateGroup g : groups) {
            List<Member> members = new ArrayList<>();
            List<Path> others = new ArrayList<>();
            for (ImageIndex.Result r : g.images()) {
                members.add(new Member(r.path(), r.id(), r.score()));
                if (r != g.keep()) others.add(r.path());
            }
            out.add(new Group(g.keep().path(), others, members));
        }
        if (a.has("--others")) {
            for (Group g : out) for (Path p : g.others()) c.out().println(p);
        } else {
            c.out().println(new JsonWriter().any(out));
        }
        return 0;
    }

    /** An image of a group: its best cosine to another member. */
    record Member(Path path, long id, float bestScore) {}

    /** A group: the copy to keep, the others, and every member. */
    record Group(Path keep, List<Path> others, List<Member> images) {}
}
