package io.github.altclip4j.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.altclip4j.AltClip;
import io.github.altclip4j.formats.Json;
import io.github.altclip4j.model.ModelFolder;
import io.github.altclip4j.model.Towers;
import io.github.altclip4j.server.AltClipServer;
import io.github.altclip4j.weights.WeightFormat;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@code serve --lazy --idle-unload}: the server is ready with no tower in memory, loads each tower on the first
 * request that needs it, drops it after the idle time and loads it again for the next request, and every answer has
 * the bits of a model loaded once, however often the towers came and went (also under concurrent requests).
 */
class LazyTowersTest {
    private static final Path MODEL = Reference.fixtures().resolve("tiny-altclip");
    private static final Path IMAGE = Reference.fixtures().resolve("images/files/rgb_baseline_400x300.jpg");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static Map<?, ?> info(AltClipServer s) throws Exception {
        return (Map<?, ?>) Json.parse(HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/info"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body());
    }

    private static List<?> post(AltClipServer s, String path, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
                        .timeout(Duration.ofSeconds(60))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Object o = Json.parse(r.body());
        return o instanceof List ? (List<?>) o : (List<?>) ((Map<?, ?>) o).get("imageVectors");
    }

    private static float[] floats(Object list) {
        List<?> l = (List<?>) list;
        float[] f = new float[l.size()];
        for (int i = 0; i < f.length; i++) f[i] = ((Number) l.get(i)).floatValue();
        return f;
    }

    private static void waitFor(AltClipServer s, String inMemory) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!inMemory.equals(info(s).get("towers_in_memory")) && System.nanoTime() < deadline) Thread.sleep(50);
        assertThat(info(s).get("towers_in_memory")).isEqualTo(inMemory);
    }

    @Test
    void towersLoadOnFirstUseAndAreDroppedWhenIdleWithTheSameBitsEachTime() throws Exception {
        float[] text, image;
        try (AltClip clip = AltClip.load(MODEL)) {
            text = clip.embedText("一只猫的照片");
            image = clip.embedImages(List.of(IMAGE)).get(0);
        }
        AtomicInteger textLoads = new AtomicInteger(), imageLoads = new AtomicInteger();
        ModelFolder folder = ModelFolder.open(MODEL);
        AltClipServer.TowerLoader loader = which -> {
            (which == Towers.TEXT ? textLoads : imageLoads).incrementAndGet();
            return AltClip.load(folder, AltClip.Options.defaults().withTowers(which));
        };
        String imageBody = "{\"images\": [\"" + Base64.getEncoder().encodeToString(Files.readAllBytes(IMAGE)) + "\"]}";
        try (AltClipServer s =
                AltClipServer.start(AltClipServer.Config.defaults().withPort(0))) {
            s.serveLazily(folder, WeightFormat.AS_STORED, Towers.BOTH, loader, Duration.ofMillis(600), null, false);
            assertThat(info(s).get("ready")).isEqualTo(true);
            assertThat(info(s).get("towers_in_memory")).isEqualTo("none");
            assertThat(textLoads.get() + imageLoads.get()).isZero();

            assertThat(floats(post(s, "/embed", "{\"inputs\": \"一只猫的照片\"}").get(0)))
                    .containsExactly(text);
            assertThat(textLoads.get()).isEqualTo(1);
            assertThat(imageLoads.get())
                    .as("the image tower is not loaded for a text")
                    .isZero();
            assertThat(info(s).get("towers_in_memory")).isEqualTo("text");
            waitFor(s, "none");

            assertThat(floats(post(s, "/embed", "{\"inputs\": \"一只猫的照片\"}").get(0)))
                    .containsExactly(text);
            assertThat(floats(post(s, "/vectorize", imageBody).get(0))).containsExactly(image);
            assertThat(textLoads.get()).isEqualTo(2);
            assertThat(imageLoads.get()).isEqualTo(1);
            waitFor(s, "none");

            // requests from many clients while towers come and go: every answer the same bits
            ExecutorService clients = Executors.newFixedThreadPool(8);
            try {
                List<Future<float[]>> answers = new ArrayList<>();
                for (int round = 0; round < 3; round++) {
                    for (int i = 0; i < 8; i++) {
                        boolean isText = i % 2 == 0;
                        answers.add(clients.submit(() -> floats(
                                isText
                                        ? post(s, "/embed", "{\"inputs\": \"一只猫的照片\"}")
                                                .get(0)
                                        : post(s, "/vectorize", imageBody).get(0))));
                    }
                    Thread.sleep(900); // idle long enough to be dropped between rounds
                }
                for (int i = 0; i < answers.size(); i++)
                    assertThat(answers.get(i).get()).containsExactly(i % 2 == 0 ? text : image);
            } finally {
                clients.shutdown();
            }
            assertThat(textLoads.get()).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void aTowerThatFailsToLoadIsReportedAndTheNextRequestLoadsIt() throws Exception {
        ModelFolder folder = ModelFolder.open(MODEL);
        AtomicInteger attempts = new AtomicInteger();
        AltClipServer.TowerLoader loader = which -> {
            if (attempts.incrementAndGet() == 1) throw new IOException("not enough memory for the test");
            return AltClip.load(folder, AltClip.Options.defaults().withTowers(which));
        };
        String b64 = Base64.getEncoder().encodeToString(Files.readAllBytes(IMAGE));
        String two = "{\"images\": [\"" + b64 + "\", \"" + b64 + "\"]}";
        try (AltClipServer s =
                AltClipServer.start(AltClipServer.Config.defaults().withPort(0).withBatching(8, 5, 2))) {
            s.serveLazily(folder, WeightFormat.AS_STORED, Towers.IMAGE, loader, Duration.ZERO, null, false);
            HttpResponse<String> failed = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/vectorize"))
                            .POST(HttpRequest.BodyPublishers.ofString(two))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(failed.statusCode()).isEqualTo(500);
            assertThat(failed.body()).contains("not enough memory for the test");
            // the failed request's room in the queue (2 of 2) was given back: the same request now succeeds
            assertThat(post(s, "/vectorize", two)).hasSize(2);
            assertThat(info(s).get("towers_in_memory")).isEqualTo("image");
        }
    }
}
