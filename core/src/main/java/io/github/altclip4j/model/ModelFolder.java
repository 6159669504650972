package io.github.altclip4j.model;

import io.github.altclip4j.tokenizer.XlmRobertaTokenizer;
import io.github.altclip4j.weights.AltClipConfig;
import io.github.altclip4j.weights.Checkpoint;
import io.github.altclip4j.weights.JsonFields;
import io.github.altclip4j.weights.PreprocessorConfig;
import io.github.altclip4j.weights.TokenizerConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A model folder as the Hugging Face hub publishes it, opened without loading the weights: {@code config.json} (read
 * once, here), the checkpoint ({@code model.safetensors} or {@code pytorch_model.bin}, found by {@link Checkpoint}),
 * {@code preprocessor_config.json}, and the tokenizer's files ({@link XlmRobertaTokenizer}, {@link TokenizerConfig}).
 * Everything cheap a command needs before it decides to spend seconds on the weights comes from here: the embedding
 * width, the longest text, and the fingerprint an index compares.
 */
public final class ModelFolder {
    private static final String CONFIG = "config.json", PREPROCESSOR_CONFIG = "preprocessor_config.json";
    /** The fingerprint's samples: the first and last megabyte of the checkpoint. */
    private static final int SAMPLE = 1 << 20;

    private final Path dir;
    private final byte[] configBytes;
    private final AltClipConfig config;
    private final Path checkpoint;
    private String fingerprint;

    private ModelFolder(Path dir, byte[] configBytes, AltClipConfig config, Path checkpoint) {
        this.dir = dir;
        this.configBytes = configBytes;
        this.config = config;
        this.checkpoint = checkpoint;
    }

    /** Reads {@code config.json} and finds the checkpoint; an error names the folder and what is missing. */
    public static ModelFolder open(Path dir) throws IOException {
        if (!Files.isDirectory(dir))
            throw new NoSuchFileException(
                    dir.toString(), null, Files.exists(dir) ? "is not a model folder" : "no such model folder");
        Path file = dir.resolve(CONFIG);
        if (!Files.isRegularFile(file))
            throw new NoSuchFileException(file.toString(), null, "no such file (not a model folder?)");
        byte[] bytes = JsonFields.readBytes(file);
        return new ModelFolder(dir, bytes, AltClipConfig.parse(file, bytes), Checkpoint.findIn(dir));
    }

    public Path dir() {
        return dir;
    }

    /** The folder's name: how indexes and the server's protocols name the model. */
    public String name() {
        Path n = dir.toAbsolutePath().normalize().getFileName();
        return n == null ? dir.toString() : n.toString();
    }

    public AltClipConfig config() {
        return config;
    }

    /** The weights file. */
    public Path checkpoint() {
        return checkpoint;
    }

    /** The width of the shared embedding space ({@code projection_dim}). */
    public int dimension() {
        return config.projectionDim();
    }

    public PreprocessorConfig preprocessor() throws IOException {
        return PreprocessorConfig.read(dir.resolve(PREPROCESSOR_CONFIG));
    }

    /** The tokenizer, truncating at {@link #maxTextTokens}. */
    public XlmRobertaTokenizer tokenizer() throws IOException {
        return XlmRobertaTokenizer.load(dir, maxTextTokens());
    }

    /** Where texts are truncated, {@code <s>} and {@code </s>} included: see {@link #maxTextTokens(Path)}. */
    public int maxTextTokens() throws IOException {
        return maxTextTokens(
                TokenizerConfig.read(dir).modelMaxLength(), config.text().maxTokens());
    }

    /**
     * Where texts are truncated in a folder that may hold only the tokenizer's files: the tokenizer's
     * {@code model_max_length} within the model's text positions (either alone when the other is not given; -1 when
     * neither is).
     */
    public static int maxTextTokens(Path folder) throws IOException {
        Path file = folder.resolve(CONFIG);
        int positions = Files.exists(file) ? AltClipConfig.read(file).text().maxTokens() : -1;
        return maxTextTokens(TokenizerConfig.read(folder).modelMaxLength(), positions);
    }

    private static int maxTextTokens(int fromTokenizer, int positions) {
        if (fromTokenizer > 0 && positions > 0) return Math.min(fromTokenizer, positions);
        return Math.max(fromTokenizer, positions);
    }

    /**
     * What an index remembers of the model that made its embeddings, so that a query embedded by another model (whose
     * vectors live in another space) is refused: a SHA-256 of {@code config.json}, the checkpoint's size and its first
     * and last megabyte (the header and some weights). Reading 2 MB keeps this fast for a 3.5 GB checkpoint; two models
     * that differ only in the middle of their weights are not told apart.
     */
    public synchronized String fingerprint() throws IOException {
        if (fingerprint != null) return fingerprint;
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
        sha.update(configBytes);
        try (FileChannel ch = FileChannel.open(checkpoint, StandardOpenOption.READ)) {
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
        fingerprint = HexFormat.of().formatHex(sha.digest());
        return fingerprint;
    }

    @Override
    public String toString() {
        return dir.toString();
    }
}
