package io.github.altclip4j.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.altclip4j.AltClip;
import io.github.altclip4j.bench.Burst;
import io.github.altclip4j.server.AltClipServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every request of a burst gets a complete answer: 200, or 429 with a JSON body when the queue is full, never a reset,
 * a hang or a connection closed without an answer (before, 39-63 of 150 image requests were reset).
 */
class ServerBurstTest {
    private static AltClip clip;

    @BeforeAll
    static void load() throws Exception {
        clip = AltClip.load(
                Reference.fixtures().resolve("tiny-altclip"),
                AltClip.Options.defaults().withThreads(2));
    }

    @AfterAll
    static void close() {
        clip.close();
    }

    @Test
    void twoHundredImageRequestsAtOnceAreEachAnsweredWith200Or429AndJson() throws Exception {
        String image = Base64.getEncoder()
                .encodeToString(
                        Files.readAllBytes(Reference.fixtures().resolve("images/files/rgb_baseline_400x300.jpg")));
        String body = "{\"modality\": \"image\", \"input\": [\"" + image + "\", \"" + image + "\", \"" + image
                + "\", \"" + image + "\"]}";
        try (AltClipServer server =
                AltClipServer.start(AltClipServer.Config.defaults().withPort(0).withBatching(8, 5, 16))) {
            server.serve(clip, null);
            Map<String, Integer> outcomes = Burst.fire(address(server), "/v1/embeddings", body, 200, 120_000);
            assertThat(outcomes.keySet()).as("outcomes %s", outcomes).isSubsetOf(Set.of("200", "429"));
            assertThat(outcomes.get("200")).as("outcomes %s", outcomes).isPositive();
            assertThat(outcomes.get("429")).as("outcomes %s", outcomes).isPositive();
            assertThat(outcomes.values().stream().mapToInt(Integer::intValue).sum())
                    .isEqualTo(200);
        }
    }

    @Test
    void errorsAnsweredBeforeTheBodyIsReadAreStillReceived() throws Exception {
        String body = "{\"inputs\": \"" + "a long text ".repeat(20_000) + "\"}";
        try (AltClipServer server =
                AltClipServer.start(AltClipServer.Config.defaults().withPort(0).withApiKey("key"))) {
            server.serve(clip, null);
            // 401 is decided from the headers alone, with a 240 KB body still unread
            Map<String, Integer> outcomes = Burst.fire(address(server), "/embed", body, 100, 60_000);
            assertThat(outcomes).isEqualTo(Map.of("401", 100));
        }
    }

    private static InetSocketAddress address(AltClipServer server) {
        return new InetSocketAddress("127.0.0.1", server.port());
    }
}
