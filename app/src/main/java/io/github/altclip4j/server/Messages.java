package io.github.altclip4j.server;

import io.github.altclip4j.AltClip;
import io.github.altclip4j.formats.JsonRecords;
import io.github.altclip4j.index.ImageIndex;
import java.util.List;

/**
 * The server's messages, one record per protocol message (as TEI's {@code router/src/http/types.rs} has one struct
 * each), written by the one JSON binding: components in snake case, null ones left out. docs/server.md describes each.
 */
final class Messages {
    private Messages() {}

    // ---- OpenAI /v1/embeddings ----

    /** {@code embedding} is a {@code float[]}, or a base64 string of little-endian float32 when asked for. */
    record OpenAiEmbedding(String object, int index, Object embedding) {
        OpenAiEmbedding(int index, Object embedding) {
            this("embedding", index, embedding);
        }
    }

    record OpenAiUsage(int promptTokens, int totalTokens) {}

    record OpenAiEmbeddings(String object, List<OpenAiEmbedding> data, String model, OpenAiUsage usage) {
        OpenAiEmbeddings(List<OpenAiEmbedding> data, String model, OpenAiUsage usage) {
            this("list", data, model, usage);
        }
    }

    // ---- Weaviate multi2vec-clip /vectorize and /meta ----

    record WeaviateVectors(
            @JsonRecords.Name("textVectors") List<float[]> textVectors,
            @JsonRecords.Name("imageVectors") List<float[]> imageVectors) {}

    record WeaviateModel(String name, int dimension, String languages) {}

    record WeaviateMeta(WeaviateModel clipModel, String version) {}

    // ---- this server's own: /classify, /search, /tokenize, /health, /info, errors ----

    record Labels(List<AltClip.Label> labels) {}

    record SearchResults(List<ImageIndex.Result> results) {}

    /** {@code /duplicates}: groups of near-duplicates, each with the copy its rule keeps. */
    record DuplicateGroups(List<ImageIndex.DuplicateGroup> groups) {}

    record Tokenized(int[] inputIds, List<String> pieces) {}

    record Health(String status) {}

    /** TEI's /info fields, and this server's limits; the model's fields are left out while it loads. */
    record Info(
            String modelId,
            String modelDtype,
            String towers,
            String towersInMemory,
            Integer dimension,
            Integer maxInputLength,
            int maxBatchRequests,
            int maxClientBatchSize,
            int maxBatchSize,
            long maxRequestBytes,
            int queueCapacity,
            String index,
            Long indexedImages,
            String version,
            boolean ready) {}

    /** Every error: a message naming the field, item or limit, and a machine-readable type. */
    record Error(String error, String errorType) {}
}
