package io.github.altclip4j.cli;

import io.github.altclip4j.AltClip;
import io.github.altclip4j.formats.JsonWriter;
import io.github.altclip4j.index.ImageIndex;
import io.github.altclip4j.index.IndexProgress;
import io.github.altclip4j.index.IndexUpdate;
import io.github.altclip4j.index.UpdateOptions;
import io.github.altclip4j.model.ModelFolder;
import io.github.altclip4j.model.Towers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code altclip index --model DIR PHOTOS --index INDEX}, and {@code altclip index --errors INDEX}. */
final class IndexCommand implements Command {
    private static final UpdateOptions DEFAULTS = UpdateOptions.defaults();

    @Override
    public String summary() {
        return "index a folder of photos for search (incremental, resumable)";
    }

    @Override
    public String description() {
        return "Embeds every image under PHOTOS (recursively) into INDEX. Re-running embeds only new or changed files\n"
                + "(by size and modification time) and drops deleted ones; a killed run loses at most the batch in flight,\n"
                + "and the next run resumes. Files that cannot be decoded are recorded with their error and skipped\n"
                + "(altclip index --errors INDEX lists them). Format: docs/index-format.md.";
    }

    @Override
    public OptionSpec options() {
        return ModelOptions.addTo(new OptionSpec())
                .value("--index", "INDEX", "the index folder (created if missing); required", null)
                .integer("--batch", "N", "images per image-tower batch and per commit", DEFAULTS.batch(), 1)
                .repeated("--include", "GLOB", "index only paths (relative to PHOTOS) matching GLOB, e.g. '**.jpg'")
                .repeated("--exclude", "GLOB", "skip paths matching GLOB, e.g. 'tmp/**'")
                .flag("--follow-links", "follow symbolic links to files and folders")
                .choice(
                        "--store",
                        "TYPE",
                        "how embeddings are stored when the index is created",
                        ImageIndex.Store.class,
                        ImageIndex.Store.F32)
                .integer(
                        "--decode-threads",
                        "N",
                        "threads decoding images while the towers run",
                        DEFAULTS.decodeThreads(),
                        1)
                .value("--errors", "INDEX", "list the files INDEX could not embed, and exit", null)
                .flag("--json", "print the summary (or the errors) as JSON")
                .positionals("PHOTOS", "the folder to index", 0, 1);
    }

    @Override
    public int run(ParsedArgs a, Console c) throws IOException {
        if (a.has("--errors")) {
            ImageIndex index = ImageIndex.open(a.path("--errors"));
            List<FileError> errors = new ArrayList<>();
            for (ImageIndex.Failure f : index.failures()) {
                String path = index.root().resolve(f.path()).toString();
                // the decoder's message starts with the file's name: one path per line is enough
                String reason = f.error().startsWith(path + ": ") ? f.error().substring(path.length() + 2) : f.error();
                errors.add(new FileError(path, reason));
            }
            if (a.has("--json")) c.out().println(new JsonWriter().any(errors));
            else for (FileError e : errors) c.out().println(e.path() + "\t" + e.error());
            return 0;
        }
        if (a.positionals().isEmpty()) throw new UsageException("expected the folder to index (PHOTOS)");
        Path photos = ParsedArgs.toPath("PHOTOS", a.positionals().get(0));
        if (!Files.isDirectory(photos)) throw new NoSuchFileException(photos.toString(), null, "no such folder");
        Path dir = a.path("--index");
        if (dir == null) throw new UsageException("--index INDEX is required");
        ImageIndex.Store store = a.choice("--store", ImageIndex.Store.class);
        UpdateOptions options = new UpdateOptions(
                a.integer("--batch"),
                a.all("--include"),
                a.all("--exclude"),
                a.has("--follow-links"),
                a.integer("--decode-threads"));
        if (ImageIndex.exists(dir)
                && !ImageIndex.open(dir).root().equals(photos.toAbsolutePath().normalize())) {
            throw new UsageException(
                    dir + " indexes " + ImageIndex.open(dir).root() + ", not " + photos + " (use another --index)");
        }
        // Every cheap check (the model against the index, the lock, what changed) before the weights are loaded.
        ModelFolder model = ModelOptions.folder(a);
        IndexUpdate.Summary s;
        try (IndexUpdate update = ImageIndex.create(dir, photos, model, store).beginUpdate(model, options)) {
            if (update.toEmbed() == 0) {
                s = update.run(null, IndexProgress.NONE);
            } else {
                try (AltClip clip = ModelOptions.load(a, c, model, Towers.IMAGE)) {
                    ProgressLine line = new ProgressLine(c);
                    s = update.run(clip, line);
                    line.done();
                }
            }
        }
        if (a.has("--json")) {
            c.out().println(new JsonWriter().any(s));
        } else {
            c.out()
                    .printf(
                            Locale.ROOT,
                            "%s: %d images found, %d unchanged, %d moved, %d copied, %d embedded, %d failed (altclip index --errors %s), %d removed, in %.1f s%n",
                            dir,
                            s.found(),
                            s.unchanged(),
                            s.moved(),
                            s.copied(),
                            s.embedded(),
                            s.failed(),
                            dir,
                            s.removed(),
                            s.seconds());
        }
        return 0;
    }

    /** A file the index could not embed, and why. */
    record FileError(String path, String error) {}

    /** Files done / total, images per second, ETA and errors: one updating line on a terminal, a line every 10 s otherwise. */
    private static final class ProgressLine implements IndexProgress {
        private final Console c;
        private long lastPrinted;
        private boolean printed;

        ProgressLine(Console c) {
            this.c = c;
        }

        @Override
        public void progress(int done, int total, int failures, double rate) {
            long now = System.nanoTime();
            boolean last = done == total;
            if (!last && now - lastPrinted < (c.errIsTerminal() ? 200_000_000L : 10_000_000_000L)) return;
            lastPrinted = now;
            long eta = rate > 0 ? Math.round((total - done) / rate) : 0;
            String s = String.format(
                    Locale.ROOT,
                    "altclip: indexed %d/%d, %.1f images/s, ETA %d:%02d, %d error(s)",
                    done,
                    total,
                    rate,
                    eta / 60,
                    eta % 60,
                    failures);
            if (c.errIsTerminal()) c.err().print("\r" + s + "   ");
            else c.err().println(s);
            printed = true;
        }

        void done() {
            if (printed && c.errIsTerminal()) c.err().println();
        }
    }
}
