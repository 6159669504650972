package io.github.altclip4j.index;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Upgrades an index of format 1 to format 2 in place, under the updater's lock: every row gets a stable id (in row
 * order, deleted rows included) and, when its file is still the one indexed, the SHA-256 of its bytes. Each segment's
 * {@code .jsonl} is rewritten (atomically), then the version 2 header commits the upgrade; a run killed in between
 * leaves a version 1 header, and the next update upgrades again, assigning the same ids. No vector is touched.
 */
final class IndexUpgrade {
    private IndexUpgrade() {}

    /** A row as format 1 wrote it. */
    private record Version1Row(String path, long size, long mtime, int width, int height) {}

    /** Upgrades the index in {@code dir} if its header is older than this build's format; returns whether it did. */
    static boolean ifOld(Path dir) throws IOException {
        IndexHeader old = IndexHeader.read(dir);
        if (old.version() != 1) return false;
        Path root = Path.of(old.root());
        long id = 1;
        for (IndexHeader.SegmentInfo s : old.segments()) {
            List<ImageIndex.Entry> rows = new ArrayList<>();
            for (Version1Row r : Segments.entries(dir, s, Version1Row.class)) {
                String sha = ContentHash.ofUnchanged(root.resolve(r.path()), r.size(), r.mtime());
                rows.add(new ImageIndex.Entry(id++, r.path(), r.size(), r.mtime(), r.width(), r.height(), sha));
            }
            Segments.writeEntries(dir, s.id(), rows);
        }
        old.with(old.segments(), old.nextSegment(), id).write(dir);
        return true;
    }
}
