package io.github.altclip4j.index;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The SHA-256 of a file's bytes: what recognises an indexed photo that was moved, renamed or copied, so that its
 * vector is reused instead of computed again.
 */
final class ContentHash {
    private ContentHash() {}

    /** The hash as 64 hex digits, or null when the file cannot be read (its embedding then reports why). */
    static String of(Path file) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) sha.update(buffer, 0, n);
        } catch (IOException e) {
            return null;
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** The hash of a file that still has the size and modification time (ms) recorded for it, else null. */
    static String ofUnchanged(Path file, long size, long mtime) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            if (!a.isRegularFile() || a.size() != size || a.lastModifiedTime().toMillis() != mtime) return null;
        } catch (IOException e) {
            return null;
        }
        return of(file);
    }
}
