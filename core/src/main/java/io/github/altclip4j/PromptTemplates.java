package io.github.altclip4j;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prompt templates for zero-shot classification ({@link AltClip#embedLabels}): {@code {}} stands for the label. Two
 * sets are built in, as CLIP published them (openai/CLIP, {@code data/prompts.md} and its ImageNet notebook):
 * {@code clip-imagenet} (80 prompts, "a bad photo of a {}." ...) and {@code clip-cifar} (18, "a photo of a {}." ...).
 * A file holds one template per line (blank lines and lines starting with {@code #} are skipped).
 */
public final class PromptTemplates {
    private PromptTemplates() {}

    private static final Map<String, String> BUILT_IN =
            Map.of("clip-imagenet", "templates/clip-imagenet.txt", "clip-cifar", "templates/clip-cifar.txt");
    /** The built-in sets, read from the JAR once (the server may name one in every request). */
    private static final Map<String, List<String>> LOADED = new ConcurrentHashMap<>();

    /** The names of the built-in sets. */
    public static List<String> names() {
        return BUILT_IN.keySet().stream().sorted().toList();
    }

    /** A built-in set by its name, else the templates of the file {@code nameOrFile}; each must contain {@code {}}. */
    public static List<String> of(String nameOrFile) throws IOException {
        String resource = BUILT_IN.get(nameOrFile);
        if (resource != null) {
            List<String> loaded = LOADED.get(nameOrFile);
            if (loaded != null) return loaded;
            try (InputStream in = PromptTemplates.class.getResourceAsStream(resource)) {
                loaded = parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), nameOrFile);
            }
            LOADED.put(nameOrFile, loaded);
            return loaded;
        }
        Path file = Path.of(nameOrFile);
        if (!Files.isRegularFile(file))
            throw new NoSuchFileException(
                    nameOrFile, null, "neither a template set (" + String.join(", ", names()) + ") nor a file");
        return parse(Files.readString(file, StandardCharsets.UTF_8), nameOrFile);
    }

    private static List<String> parse(String text, String source) throws IOException {
        List<String> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String t = lines[i].strip();
            if (t.isEmpty() || t.startsWith("#")) continue;
            if (!t.contains("{}")) throw new IOException(source + ": line " + (i + 1) + " has no {} for the label");
            out.add(t);
        }
        if (out.isEmpty()) throw new IOException(source + ": no templates");
        return List.copyOf(out);
    }
}
