package io.github.altclip4j.cli;

import io.github.altclip4j.formats.JsonWriter;
import io.github.altclip4j.index.ImageIndex;
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
                .number("--threshold", "T", "the cosine from which two images count as duplicates", 0.95)
                .choice("--keep", "RULE", "which copy of a group to keep", Keep.class, Keep.LARGEST)
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
            groups = index.duplicates(pool, (float) threshold);
        }
        Keep keep = a.choice("--keep", Keep.class);
        List<ImageIndex.Entry> entries = index.entries();
        List<Group> out = new ArrayList<>();
        for (ImageIndex.DuplicateGroup g : groups) {
            List<Member> members = new ArrayList<>();
            List<Candidate> rows = new ArrayList<>();
            for (ImageIndex.Result r : g.images()) {
                members.add(new Member(r.path(), r.id(), r.score()));
                rows.add(new Candidate(entries.get(r.row()), keep == Keep.MOST_EXIF ? ExifTags.count(r.path()) : 0));
            }
            int kept = 0;
            for (int i = 1; i < rows.size(); i++) if (keep.compare(rows.get(i), rows.get(kept)) < 0) kept = i;
            List<Path> others = new ArrayList<>();
            for (int i = 0; i < members.size(); i++)
                if (i != kept) others.add(members.get(i).path());
            out.add(new Group(members.get(kept).path(), others, members));
        }
        if (a.has("--others")) {
            for (Group g : out) for (Path p : g.others()) c.out().println(p);
        } else {
            c.out().println(new JsonWriter().any(out));
        }
        return 0;
    }

    /** Which copy of a group to keep; ties go to the lower id (the earlier indexed). */
    enum Keep {
        /** The most pixels, then the most bytes: the least recompressed or downscaled copy. */
        LARGEST,
        /** The earliest modified: usually the original. */
        OLDEST,
        /** The latest modified: usually the edited one. */
        NEWEST,
        /** The most EXIF tags (a camera original; shared copies lose theirs), then as LARGEST. */
        MOST_EXIF;

        /** Negative when {@code a} is the better one to keep. */
        int compare(Candidate a, Candidate b) {
            ImageIndex.Entry x = a.entry(), y = b.entry();
            int c;
            switch (this) {
                case MOST_EXIF:
                    c = Integer.compare(b.exifTags(), a.exifTags());
                    if (c == 0) c = LARGEST.compare(a, b);
                    break;
                case LARGEST:
                    c = Long.compare((long) y.width() * y.height(), (long) x.width() * x.height());
                    if (c == 0) c = Long.compare(y.size(), x.size());
                    break;
                case OLDEST:
                    c = Long.compare(x.mtime(), y.mtime());
                    break;
                default:
                    c = Long.compare(y.mtime(), x.mtime());
            }
            return c != 0 ? c : Long.compare(x.id(), y.id());
        }
    }

    /** A member as the keep rule sees it: its row, and its EXIF tag count (read for {@code most-exif} only). */
    record Candidate(ImageIndex.Entry entry, int exifTags) {}

    /** An image of a group: its best cosine to another member. */
    record Member(Path path, long id, float bestScore) {}

    /** A group: the copy to keep, the others, and every member. */
    record Group(Path keep, List<Path> others, List<Member> images) {}
}
