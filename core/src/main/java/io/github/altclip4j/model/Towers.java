package io.github.altclip4j.model;

/**
 * Which towers a model is loaded with: a text search needs only the text tower (and its projection), an indexer only
 * the image tower; the other's weights are never read. Spelt {@code text}, {@code image}, {@code both}.
 */
public enum Towers {
    TEXT,
    IMAGE,
    BOTH;

    public boolean text() {
        return this != IMAGE;
    }

    public boolean image() {
        return this != TEXT;
    }

    /** The towers that can do what both {@code this} and {@code other} need. */
    public Towers and(Towers other) {
        return this == other ? this : BOTH;
    }

    /** The checkpoint tensors of the towers not loaded, which the load skips (and does not call unused). */
    boolean skips(String tensor) {
        return (!text() && (tensor.startsWith("text_model.") || tensor.startsWith("text_projection.")))
                || (!image() && (tensor.startsWith("vision_model.") || tensor.startsWith("visual_projection.")));
    }
}
