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
        try (Pending p = create(target)) {
            body.write(p.channel());
            p.commit();
        }
    }

    /**
     * A file being written, for writers that produce it piece by piece over a longer task: {@link #commit} forces it
     * to disk and renames it over the target; {@link #close} without a commit deletes it. The channel is readable too
     * (the writer may map what it wrote).
     */
    public static final class Pending implements AutoCloseable {
        private final Path target, tmp;
        private final FileChannel channel;
        private boolean committed;

        private Pending(Path target, Path tmp, FileChannel channel) {
            this.target = target;
            this.tmp = tmp;
            this.channel = channel;
        }

        public FileChannel channel() {
            return channel;
        }

        /** Forces the bytes to disk and puts the file in place of the target, in one step. */
        public void commit() throws IOException {
            channel.force(true);
            channel.close();
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            committed = true;
        }

        /** Deletes the partial file unless it was committed. */
        @Override
        public void close() throws IOException {
            if (committed) return;
            channel.close();
            Files.deleteIfExists(tmp);
        }
    }

    /** Starts writing {@code target}: a unique file beside it, {@code .NAME.PID.NANOS.partial}. */
    public static Pending create(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        // A unique name beside the target, created with the process's default permissions (createTempFile would make
        // it owner-only, and the renamed output with it).
        Path tmp = dir.resolve("." + target.getFileName() + "."
                + ProcessHandle.current().pid() + "." + System.nanoTime() + ".partial");
        try {
            return new Pending(
                    target,
                    tmp,
                    FileChannel.open(
                            tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE));
        } catch (IOException e) {
            throw cannotCreate(target, e);
        }
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
