package io.github.altclip4j.formats;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file so that readers see the old file or the whole new one, never a part: the bytes go to a unique file
 * beside the target, are forced to disk, and the file is renamed over the target in one step. A failure (or a killed
 * process) leaves at most a {@code .partial} file, never half a target.
 */
public final class AtomicFile {
    private AtomicFile() {}

    /** Writes the file's content into the channel. */
    @FunctionalInterface
    public interface Body {
        void write(FileChannel out) throws IOException;
    }

    public static void write(Path target, Body body) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        // A unique name beside the target, created with the process's default permissions (createTempFile would make
        // it owner-only, and the renamed output with it).
        Path tmp = dir.resolve("." + target.getFileName() + "."
                + ProcessHandle.current().pid() + "." + System.nanoTime() + ".partial");
        FileChannel ch;
        try {
            ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw cannotCreate(target, e);
        }
        try (ch) {
            body.write(ch);
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Creates and deletes a file beside {@code target}: whether {@link #write} can start, asked before long work. */
    public static void checkCanCreate(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        try {
            Files.delete(Files.createTempFile(dir, ".altclip-probe", null));
        } catch (IOException e) {
            throw cannotCreate(target, e);
        }
    }

    /** The error that names the file asked for, not the temporary one. */
    private static FileSystemException cannotCreate(Path target, IOException e) {
        String why = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
        return new FileSystemException(
                target.toString(), null, "cannot create a file in its folder" + (why != null ? ": " + why : ""));
    }

    /** A UTF-8 text file, atomically. */
    public static void writeString(Path target, String text) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        write(target, ch -> writeFully(ch, b));
    }

    /** Writes all of {@code b}. */
    public static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }
}
