package io.github.altclip4j.weights;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Locates the reference fixtures copied into the repository ({@code fixtures/}). */
final class Fixtures {
    private Fixtures() {}

    static Path root() {
        String p = System.getProperty("altclip4j.fixtures");
        Path root = p != null ? Paths.get(p) : Paths.get("..", "fixtures");
        if (!Files.isDirectory(root)) throw new IllegalStateException("fixtures not found at " + root.toAbsolutePath());
        return root;
    }

    static Path file(String relative) {
        return root().resolve(relative);
    }
}
