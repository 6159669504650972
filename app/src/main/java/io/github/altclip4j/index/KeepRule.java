package io.github.altclip4j.index;

import java.nio.file.Path;
import java.util.List;

/**
 * Which copy of a group of near-duplicates to keep (altclip dedup --keep, the server's /duplicates); ties go to the
 * lower id, the earlier indexed. Spelt {@code largest}, {@code oldest}, {@code newest}, {@code most-exif}.
 */
public enum KeepRule {
    /** The most pixels, then the most bytes: the least recompressed or downscaled copy. */
    LARGEST,
    /** The earliest modified: usually the original. */
    OLDEST,
    /** The latest modified: usually the edited one. */
    NEWEST,
    /** The most EXIF tags (a camera original; shared copies lose theirs), then as LARGEST. */
    MOST_EXIF;

    /** The position in {@code members} of the one to keep; {@code files} are their files (read for MOST_EXIF). */
    int keeper(List<ImageIndex.Entry> members, List<Path> files) {
        int[] exif = new int[members.size()];
        if (this == MOST_EXIF) for (int i = 0; i < exif.length; i++) exif[i] = ExifTags.count(files.get(i));
        int kept = 0;
        for (int i = 1; i < members.size(); i++) {
            if (compare(members.get(i), exif[i], members.get(kept), exif[kept]) < 0) kept = i;
        }
        return kept;
    }

    /** Negative when {@code x} is the better one to keep. */
    private int compare(ImageIndex.Entry x, int exifX, ImageIndex.Entry y, int exifY) {
        int c;
        switch (this) {
            case MOST_EXIF:
                c = Integer.compare(exifY, exifX);
                if (c == 0) c = LARGEST.compare(x, exifX, y, exifY);
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
