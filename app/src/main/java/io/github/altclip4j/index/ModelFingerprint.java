package io.github.altclip4j.index;

import io.github.altclip4j.weights.Checkpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What an index remembers of the model that made its embeddings, so that a query embedded by another model (whose
 * vectors live in a different space) is refused: a SHA-256 of {@code config.json}, the weights file's size and its
 * first and last megabyte (the header and some weights). Reading 2 MB keeps opening an index fast; two models that
 * differ only in the middle of their weights are not told apart.
 */
final class ModelFingerprint {
    private ModelFingerprint() {}

    private static final int SAMPLE = 1 << 20;

    static String of(Path modelFolder) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
        sha.update(Files.readAllBytes(modelFolder.resolve("config.json")));
        Path weights = Checkpoint.findIn(modelFolder);
        try (FileChannel ch = FileChannel.open(weights, StandardOpenOption.READ)) {
            long size = ch.size();
            sha.update(Long.toString(size).getBytes(StandardCharsets.US_ASCII));
            for (long at : new long[] {0, Math.max(0, size - SAMPLE)}) {
                ByteBuffer b = ByteBuffer.allocate((int) Math.min(SAMPLE, size));
                while (b.hasRemaining() && ch.read(b, at + b.position()) >= 0) {
                    /* read the sample */
                }
                sha.update(b.flip());
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
