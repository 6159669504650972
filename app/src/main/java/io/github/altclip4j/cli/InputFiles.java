package io.github.altclip4j.cli;

import io.github.altclip4j.formats.AtomicFile;
import io.github.altclip4j.image.ImageDecoder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The command line's checks of the files it is given, made before any model is loaded, and its one way of saying
 * what is wrong with a file: the path and the reason ({@link #describe}).
 */
final class InputFiles {
    private InputFiles() {}

    /** {@code p} must be a readable regular file; {@code what} names it in the error ("image", "texts file"). */
    static Path requireFile(Path p, String what) throws IOException {
        if (!Files.exists(p)) throw new NoSuchFileException(p.toString(), null, "no such " + what);
        if (Files.isDirectory(p))
            throw new FileSystemException(
                    p.toString(), null, "is a directory, not a" + (what.matches("^[aeiou].*") ? "n " : " ") + what);
        if (!Files.isReadable(p)) throw new AccessDeniedException(p.toString(), null, "permission denied");
        return p;
    }

    /** Image files: each path as given if it is a file, the images directly inside it (sorted) if it is a folder. */
    static List<Path> images(List<Path> given) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : given) {
            if (!Files.isDirectory(p)) {
                out.add(requireFile(p, "image file"));
                continue;
            }
            try (Stream<Path> s = Files.list(p)) {
                s.filter(f -> Files.isRegularFile(f) && ImageDecoder.hasImageExtension(f))
                        .sorted()
                        .forEach(out::add);
            }
        }
        return out;
    }

    /** Whether {@code s} names an existing image file (e.g. an image given where a label was expected). */
    static boolean isImageFile(String s) {
        try {
            Path p = Path.of(s);
            return ImageDecoder.hasImageExtension(p) && Files.isRegularFile(p);
        } catch (InvalidPathException e) {
            return false;
        }
    }

    /** The non-empty lines of a file, or of {@code in} for {@code -}. */
    static List<String> lines(String fileOrDash, InputStream in, String what) throws IOException {
        List<String> out = new ArrayList<>();
        try (BufferedReader r = fileOrDash.equals("-")
                ? new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(
                        requireFile(ParsedArgs.toPath(what, fileOrDash), what), StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) if (!line.isBlank()) out.add(line);
        }
        return out;
    }

    /** {@code out} can be written: not a directory, and its folder exists and is writable. */
    static Path requireWritable(Path out) throws IOException {
        if (Files.isDirectory(out))
            throw new FileSystemException(out.toString(), null, "is a directory, not an output file");
        Path dir = out.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir))
            throw new NoSuchFileException(out.toString(), null, "its folder does not exist");
        if (Files.exists(out) && !Files.isWritable(out))
            throw new AccessDeniedException(out.toString(), null, "not writable");
        // The permission bits can say yes where creating a file fails (a read-only mount, /proc, a full disk): try it,
        // before any model is loaded.
        AtomicFile.checkCanCreate(out);
        return out;
    }

    /** One line for an I/O error: the file and the reason, without Java class names. */
    static String describe(IOException e) {
        if (e instanceof FileSystemException) {
            FileSystemException f = (FileSystemException) e;
            String reason = f.getReason();
            if (reason == null) {
                reason = e instanceof NoSuchFileException
                        ? "no such file"
                        : e instanceof AccessDeniedException ? "permission denied" : "cannot be used";
            }
            return (f.getFile() == null ? "" : f.getFile() + ": ") + reason;
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? "I/O error (" + e.getClass().getSimpleName() + ")" : m;
    }
}
