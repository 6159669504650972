package io.github.altclip4j.server;

import io.github.altclip4j.formats.JsonRecords.OneOrMany;
import io.github.altclip4j.formats.JsonRecords.Optional;
import io.github.altclip4j.formats.JsonRecords.Range;
import io.github.altclip4j.index.KeepRule;
import java.util.List;

/**
 * One record per request message, by protocol (read by {@link Body#read}: a wrong field is a 422 naming it by its path,
 * e.g. {@code "inputs[1]" must be a string}). Absent lists and boxes are null; the handlers apply the defaults, the
 * limits that depend on the server's settings, and the protocols' own rules.
 */
final class Requests {
    private Requests() {}

    /** OpenAI {@code /v1/embeddings}. */
    record OpenAiEmbeddings(
            @OneOrMany List<String> input,
            @Optional String model,
            @Optional String encodingFormat,
            @Optional String modality,
            @Range(min = 1, max = Integer.MAX_VALUE) Integer dimensions,
            @Optional String user) {}

    /** TEI {@code /embed}. */
    record Embed(@OneOrMany List<String> inputs, Boolean normalize) {}

    /** TEI {@code /tokenize}. */
    record Tokenize(@OneOrMany List<String> inputs) {}

    /** Weaviate {@code /vectorize}. */
    record Vectorize(List<String> texts, List<String> images) {}

    /** {@code /classify}: an image, labels, and templates (a built-in set's name, or prompts with {} for the label). */
    record Classify(
            String image,
            @OneOrMany List<String> labels,
            @OneOrMany List<String> templates) {}

    /** {@code /search}: {@code query} is a text or a list of {@link SearchTerm}s; or an image; or an indexed image's id. */
    record Search(
            Object query,
            @Optional String image,
            @Range(min = 1, max = Long.MAX_VALUE) Long id,
            @Range(min = 1, max = 1000) Integer k,
            Double minScore) {}

    /** One term of a combined query: a text or a base64 image, and its weight (1 when absent). */
    record SearchTerm(@Optional String text, @Optional String image, Float weight) {}

    /** {@code /duplicates}. */
    record Duplicates(Double threshold, @Optional KeepRule keep) {}
}
