package io.github.altclip4j.index;

import io.github.altclip4j.image.ImageDecoder;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The image files under a folder, recursively, with their size and modification time (what decides whether a file
 * changed), sorted by path so that runs are repeatable. A file is taken when its extension is an image format's and
 * its path relative to the folder matches an include glob (if any) and no exclude glob. Folders that cannot be read
 * are skipped, not fatal; with links followed, a cycle is visited once.
 */
final class PhotoWalk {
    private PhotoWalk() {}

    /** A file found: its path relative to the root, with '/' separators. */
    record Found(String path, long size, long mtime) {}

    static List<Found> walk(Path root, List<String> include, List<String> exclude, boolean followLinks)
            throws IOException {
        List<PathMatcher> in = matchers(include), out = matchers(exclude);
        List<Found> found = new ArrayList<>();
        Set<FileVisitOption> options =
                followLinks ? EnumSet.of(FileVisitOption.FOLLOW_LINKS) : EnumSet.noneOf(FileVisitOption.class);
        Files.walkFileTree(root, options, Integer.MAX_VALUE, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (!attrs.isRegularFile() || !ImageDecoder.hasImageExtension(file)) return FileVisitResult.CONTINUE;
                Path rel = root.relativize(file);
                if ((!in.isEmpty() && in.stream().noneMatch(m -> m.matches(rel)))
                        || out.stream().anyMatch(m -> m.matches(rel))) {
                    return FileVisitResult.CONTINUE;
                }
                found.add(new Found(
                        rel.toString().replace(file.getFileSystem().getSeparator(), "/"),
                        attrs.size(),
                        attrs.lastModifiedTime().toMillis()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE; // an unreadable folder or a link cycle: skip it
            }
        });
        found.sort((a, b) -> a.path().compareTo(b.path()));
        return found;
    }

    private static List<PathMatcher> matchers(List<String> globs) {
        List<PathMatcher> m = new ArrayList<>();
        for (String g : globs) m.add(FileSystems.getDefault().getPathMatcher("glob:" + g));
        return m;
    }
}
