package io.github.altclip4j.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.altclip4j.AltClip;
import io.github.altclip4j.formats.Json;
import io.github.altclip4j.formats.JsonWriter;
import io.github.altclip4j.index.ImageIndex;
import io.github.altclip4j.index.IndexProgress;
import io.github.altclip4j.index.IndexUpdate;
import io.github.altclip4j.index.UpdateOptions;
import io.github.altclip4j.server.AltClipServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code altclip serve} on port 0 with the tiny model and an index of the fixture images: every endpoint against
 * {@link AltClip}'s own results bit for bit, every error code, the API key, 32 concurrent clients, overload and
 * recovery, shutdown with requests in flight.
 */
class AltClipServerTest {
    private static AltClip clip;
    private static ImageIndex index;
    private static AltClipServer server;
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path tmp;

    private static final Path IMAGES = Reference.fixtures().resolve("images/files");

    @BeforeAll
    static void start() throws IOException {
        clip = AltClip.load(
                Reference.fixtures().resolve("tiny-altclip"),
                AltClip.Options.defaults().withThreads(2));
        index = ImageIndex.create(tmp.resolve("idx"), IMAGES, clip.modelFolder(), ImageIndex.Store.F32);
        index.update(clip, UpdateOptions.defaults(), IndexProgress.NONE);
        server = AltClipServer.start(AltClipServer.Config.defaults().withPort(0));
        server.serve(clip, ImageIndex.open(tmp.resolve("idx")));
    }

    @AfterAll
    static void stop() {
        server.close();
        clip.close();
    }

    private static HttpResponse<String> post(AltClipServer s, String path, String body, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) b.headers(headers);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(AltClipServer s, String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static float[] floats(Object list) {
        List<?> l = (List<?>) list;
        float[] f = new float[l.size()];
        for (int i = 0; i < f.length; i++) f[i] = ((Number) l.get(i)).floatValue();
        return f;
    }

    private static String b64(String file) throws IOException {
        return Base64.getEncoder().encodeToString(Files.readAllBytes(IMAGES.resolve(file)));
    }

    @Test
    void openAiEmbeddingsOfTextsAndImagesAreAltClipsBitForBit() throws Exception {
        List<String> texts = List.of("a photo of a cat", "一只猫的照片", "");
        HttpResponse<String> r = post(
                server,
                "/v1/embeddings",
                new JsonWriter()
                        .beginObject()
                        .name("input")
                        .any(texts)
                        .endObject()
                        .toString());
        assertThat(r.statusCode()).isEqualTo(200);
        Map<?, ?> body = (Map<?, ?>) Json.parse(r.body());
        List<?> data = (List<?>) body.get("data");
        List<float[]> expected = clip.embedTexts(texts);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(floats(((Map<?, ?>) data.get(i)).get("embedding"))).containsExactly(expected.get(i));
            assertThat(((Map<?, ?>) data.get(i)).get("index")).isEqualTo((long) i);
        }
        assertThat(((Map<?, ?>) body.get("usage")).get("prompt_tokens"))
                .isEqualTo((long) texts.stream().mapToInt(clip::tokenCount).sum());
        // base64: little-endian float32
        r = post(server, "/v1/embeddings", "{\"input\": \"a photo of a cat\", \"encoding_format\": \"base64\"}");
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode((String) ((Map<?, ?>)
                                ((List<?>) ((Map<?, ?>) Json.parse(r.body())).get("data")).get(0))
                        .get("embedding")))
                .order(ByteOrder.LITTLE_ENDIAN);
        float[] decoded = new float[bytes.remaining() / 4];
        bytes.asFloatBuffer().get(decoded);
        assertThat(decoded).containsExactly(expected.get(0));
        // images as data URIs and as plain base64
        String body2 = "{\"modality\": \"image\", \"input\": [\"data:image/png;base64," + b64("small_64x48.png")
                + "\", \"" + b64("rgb_baseline_400x300.jpg") + "\"]}";
        r = post(server, "/v1/embeddings", body2);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<float[]> imgs = clip.embedImages(
                List.of(IMAGES.resolve("small_64x48.png"), IMAGES.resolve("rgb_baseline_400x300.jpg")));
        data = (List<?>) ((Map<?, ?>) Json.parse(r.body())).get("data");
        for (int i = 0; i < 2; i++)
            assertThat(floats(((Map<?, ?>) data.get(i)).get("embedding"))).containsExactly(imgs.get(i));
    }

    @Test
    void teiWeaviateClassifySearchAndTokenizeAreAltClipsBitForBit() throws Exception {
        HttpResponse<String> r = post(server, "/embed", "{\"inputs\": [\"a cat\", \"一只狗\"], \"normalize\": false}");
        List<?> vectors = (List<?>) Json.parse(r.body());
        List<float[]> features = clip.textFeatures(List.of("a cat", "一只狗"));
        assertThat(floats(vectors.get(0))).containsExactly(features.get(0));
        assertThat(floats(vectors.get(1))).containsExactly(features.get(1));
        r = post(server, "/embed", "{\"inputs\": \"a cat\"}");
        assertThat(floats(((List<?>) Json.parse(r.body())).get(0))).containsExactly(clip.embedText("a cat"));

        r = post(
                server, "/vectorize", "{\"texts\": [\"a cat\"], \"images\": [\"" + b64("palette_256x200.png") + "\"]}");
        Map<?, ?> w = (Map<?, ?>) Json.parse(r.body());
        assertThat(floats(((List<?>) w.get("textVectors")).get(0))).containsExactly(clip.embedText("a cat"));
        assertThat(floats(((List<?>) w.get("imageVectors")).get(0)))
                .containsExactly(clip.embedImages(List.of(IMAGES.resolve("palette_256x200.png")))
                        .get(0));
        assertThat(get(server, "/meta").body()).contains("\"dimension\": 32");

        r = post(
                server,
                "/classify",
                "{\"image\": \"" + b64("rgb_baseline_400x300.jpg")
                        + "\", \"labels\": [\"a cat\", \"a dog\", \"一辆汽车\"]}");
        List<?> labels = (List<?>) ((Map<?, ?>) Json.parse(r.body())).get("labels");
        List<AltClip.Label> expected =
                clip.classify(IMAGES.resolve("rgb_baseline_400x300.jpg"), List.of("a cat", "a dog", "一辆汽车"));
        for (int i = 0; i < 3; i++) {
            assertThat(((Map<?, ?>) labels.get(i)).get("label"))
                    .isEqualTo(expected.get(i).text());
            assertThat(((Number) ((Map<?, ?>) labels.get(i)).get("probability")).floatValue())
                    .isEqualTo(expected.get(i).probability());
        }

        r = post(server, "/search", "{\"query\": \"一只猫\", \"k\": 4}");
        List<?> results = (List<?>) ((Map<?, ?>) Json.parse(r.body())).get("results");
        List<ImageIndex.Result> local = index.search(clip, clip.embedText("一只猫"), 4, Float.NEGATIVE_INFINITY);
        assertThat(results).hasSize(4);
        for (int i = 0; i < 4; i++) {
            Map<?, ?> hit = (Map<?, ?>) results.get(i);
            assertThat(hit.get("path")).isEqualTo(local.get(i).path().toString());
            assertThat(((Number) hit.get("score")).floatValue())
                    .isEqualTo(local.get(i).score());
            assertThat(hit.get("row")).isEqualTo((long) local.get(i).row());
            assertThat(hit.get("id")).isEqualTo(local.get(i).id());
        }
        long id = local.get(2).id();
        r = post(server, "/search", "{\"id\": " + id + ", \"k\": 1}");
        assertThat(((Map<?, ?>) ((List<?>) ((Map<?, ?>) Json.parse(r.body())).get("results")).get(0)).get("id"))
                .isEqualTo(id);

        r = post(server, "/tokenize", "{\"inputs\": [\"hello world\"]}");
        assertThat(((Map<?, ?>) ((List<?>) Json.parse(r.body())).get(0))
                        .get("input_ids")
                        .toString())
                .isEqualTo(
                        Arrays.toString(clip.tokenizer().tokenize("hello world").ids()));
    }

    @Test
    void healthInfoMetricsPageAndThumbnails() throws Exception {
        assertThat(get(server, "/health").statusCode()).isEqualTo(200);
        assertThat(get(server, "/.well-known/live").statusCode()).isEqualTo(204);
        assertThat(get(server, "/.well-known/ready").statusCode()).isEqualTo(204);
        Map<?, ?> info = (Map<?, ?>) Json.parse(get(server, "/info").body());
        assertThat(info.get("dimension")).isEqualTo(32L);
        assertThat(info.get("indexed_images")).isEqualTo(12L);
        post(server, "/embed", "{\"inputs\": \"metrics\"}");
        String metrics = get(server, "/metrics").body();
        assertThat(metrics)
                .contains("altclip_requests_total{endpoint=\"/embed\",status=\"200\"}")
                .contains("altclip_request_duration_seconds_bucket")
                .contains("altclip_text_batch_size_count")
                .contains("altclip_tokens_embedded_total");
        assertThat(get(server, "/").body()).contains("<title>altclip4j search</title>");
        List<ImageIndex.Entry> entries = ImageIndex.open(tmp.resolve("idx")).entries();
        long first = entries.get(0).id();
        HttpResponse<byte[]> thumb = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/thumb/" + first))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(thumb.statusCode()).isEqualTo(200);
        assertThat(thumb.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        assertThat(ImageIO.read(new ByteArrayInputStream(thumb.body())).getWidth())
                .isLessThanOrEqualTo(256);
        assertThat(get(server, "/image/" + first).statusCode()).isEqualTo(200);
        assertThat(get(server, "/thumb/9999").statusCode()).isEqualTo(404);
        assertThat(get(server, "/thumb/0").statusCode()).as("ids start at 1").isEqualTo(404);

        // A transparent PNG's preview is composited on white: its corner is fully transparent, stored as 0x343766.
        int rgba = 0;
        while (!entries.get(rgba).path().endsWith("rgba_320x240.png")) rgba++;
        thumb = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/thumb/"
                                + entries.get(rgba).id()))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        int corner = ImageIO.read(new ByteArrayInputStream(thumb.body())).getRGB(0, 0);
        for (int shift : new int[] {16, 8, 0})
            assertThat((corner >> shift) & 0xFF).isGreaterThanOrEqualTo(248);
        assertThat(get(server, "/image/..%2F..%2Fetc%2Fpasswd").statusCode()).isEqualTo(404);
    }

    @Test
    void errorsAreJsonWithTheRightStatusAndNameTheField() throws Exception {
        assertThat(post(server, "/embed", "{not json").statusCode()).isEqualTo(400);
        assertThat(post(server, "/embed", "[1, 2]").statusCode()).isEqualTo(400);
        HttpResponse<String> r = post(server, "/embed", "{\"inputs\": [\"ok\", 5]}");
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.body()).contains("\\\"inputs[1]\\\" must be a string").contains("\"error_type\": \"validation\"");
        r = post(server, "/vectorize", "{\"images\": [\"" + b64("small_64x48.png") + "\", \"!!!not base64\"]}");
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.body()).contains("images[1]: not valid base64");
        r = post(
                server,
                "/vectorize",
                "{\"images\": [\"" + Base64.getEncoder().encodeToString("just text".getBytes()) + "\"]}");
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.body()).contains("images[0]");
        assertThat(post(
                                server,
                                "/v1/embeddings",
                                "{\"input\": \"http://example.com/cat.jpg\", \"modality\": \"image\"}")
                        .body())
                .contains("URLs are not fetched");
        assertThat(post(server, "/nope", "{}").statusCode()).isEqualTo(404);
        assertThat(get(server, "/embed").statusCode()).isEqualTo(405);
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 65; i++) many.add("t" + i);
        assertThat(post(
                                server,
                                "/embed",
                                new JsonWriter()
                                        .beginObject()
                                        .name("inputs")
                                        .any(many)
                                        .endObject()
                                        .toString())
                        .statusCode())
                .isEqualTo(413);
        assertThat(post(server, "/embed", "{\"inputs\": \"" + "x".repeat(33 << 20) + "\"}")
                        .statusCode())
                .isEqualTo(413);
        assertThat(post(server, "/classify", "{\"labels\": []}").statusCode()).isEqualTo(422);
        assertThat(post(server, "/search", "{\"query\": \"a\", \"id\": 1}").statusCode())
                .isEqualTo(422);
        assertThat(post(server, "/search", "{\"id\": 999}").statusCode()).isEqualTo(404);
        r = post(server, "/duplicates", "{\"keep\": \"biggest\"}");
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.body()).contains("largest, oldest, newest or most-exif");
        assertThat(post(server, "/duplicates", "{\"threshold\": 2}").statusCode())
                .isEqualTo(422);
        assertThat(post(server, "/duplicates", "{}").statusCode()).isEqualTo(200);
    }

    @Test
    void emptyInputsUnsupportedParametersAndUnknownModelsAreRefusedAsTheProtocolsDo() throws Exception {
        HttpResponse<String> r = post(server, "/v1/embeddings", "{\"input\": []}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("\\\"input\\\" must not be empty");
        r = post(server, "/v1/embeddings", "{\"input\": \"hi\", \"dimensions\": 512}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("dimensions").contains("512");
        r = post(server, "/v1/embeddings", "{\"input\": \"hi\", \"model\": \"text-embedding-3-small\"}");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("\"error_type\": \"model_not_found\"").contains("text-embedding-3-small");
        int dimension = clip.modelFolder().dimension();
        for (String model : new String[] {"altclip", "tiny-altclip"}) {
            r = post(
                    server,
                    "/v1/embeddings",
                    "{\"input\": \"hi\", \"model\": \"" + model + "\", \"dimensions\": " + dimension
                            + ", \"user\": \"u1\"}");
            assertThat(r.statusCode()).as(model).isEqualTo(200);
        }
        r = post(server, "/embed", "{\"inputs\": []}");
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.body()).contains("\\\"inputs\\\" must not be empty");
        assertThat(post(server, "/vectorize", "{\"texts\": [], \"images\": []}").statusCode())
                .isEqualTo(422);
        assertThat(post(server, "/tokenize", "{\"inputs\": []}").statusCode()).isEqualTo(422);
        r = post(server, "/embed", "{\"inputs\": [\"a\"]}");
        assertThat(r.headers().firstValue("Retry-After")).isEmpty();
    }

    @Test
    void aCommitByAnotherIndexerIsServedWithoutARestart() throws Exception {
        Path photos = Files.createDirectories(tmp.resolve("growing"));
        Files.copy(IMAGES.resolve("rgb_baseline_400x300.jpg"), photos.resolve("a.jpg"));
        Path dir = tmp.resolve("growing.index");
        ImageIndex.create(dir, photos, clip.modelFolder(), ImageIndex.Store.F32)
                .update(clip, UpdateOptions.defaults(), IndexProgress.NONE);
        try (AltClipServer s =
                AltClipServer.start(AltClipServer.Config.defaults().withPort(0))) {
            s.serve(clip, ImageIndex.open(dir));
            assertThat(((Map<?, ?>) Json.parse(get(s, "/info").body())).get("indexed_images"))
                    .isEqualTo(1L);
            Files.copy(IMAGES.resolve("large_1920x1080.jpg"), photos.resolve("b.jpg"));
            ImageIndex.open(dir)
                    .update(clip, UpdateOptions.defaults(), IndexProgress.NONE); // "altclip index" beside it
            Thread.sleep(1100); // the server looks for a new commit at most once a second
            assertThat(((Map<?, ?>) Json.parse(get(s, "/info").body())).get("indexed_images"))
                    .isEqualTo(2L);
            Map<?, ?> found = (Map<?, ?>)
                    Json.parse(post(s, "/search", "{\"query\": \"a photo\"}").body());
            assertThat((List<?>) found.get("results")).hasSize(2);

            // The page's links name images by id: after a commit that moves a.jpg, they still show the same image.
            long idA = ImageIndex.open(dir).entries().stream()
                    .filter(e -> e.path().equals("a.jpg"))
                    .findFirst()
                    .orElseThrow()
                    .id();
            byte[] before = HTTP.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/image/" + idA))
                                    .build(),
                            HttpResponse.BodyHandlers.ofByteArray())
                    .body();
            Files.createDirectories(photos.resolve("moved"));
            Files.move(photos.resolve("a.jpg"), photos.resolve("moved/renamed.jpg"));
            IndexUpdate.Summary moved = ImageIndex.open(dir).update(clip, UpdateOptions.defaults(), IndexProgress.NONE);
            assertThat(moved.moved()).isEqualTo(1);
            assertThat(moved.embedded()).isZero();
            Thread.sleep(1100);
            HttpResponse<byte[]> after = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/image/" + idA))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(after.statusCode()).isEqualTo(200);
            assertThat(after.body()).isEqualTo(before);
            Map<?, ?> like =
                    (Map<?, ?>) ((List<?>) ((Map<?, ?>) Json.parse(post(s, "/search", "{\"id\": " + idA + ", \"k\": 1}")
                                            .body()))
                                    .get("results"))
                            .get(0);
            assertThat(like.get("id")).isEqualTo(idA);
            assertThat(like.get("path"))
                    .isEqualTo(photos.resolve("moved/renamed.jpg").toString());
        }
    }

    @Test
    void apiKeyIsRequiredWhenConfiguredAndSearchNeedsAnIndex() throws Exception {
        try (AltClipServer keyed =
                AltClipServer.start(AltClipServer.Config.defaults().withPort(0).withApiKey("s3cret"))) {
            assertThat(post(keyed, "/embed", "{\"inputs\": \"a\"}").statusCode())
                    .as("before the model is served")
                    .isEqualTo(401);
            assertThat(get(keyed, "/.well-known/ready").statusCode()).isEqualTo(503);
            assertThat(get(keyed, "/health").statusCode()).isEqualTo(503);
            assertThat(post(keyed, "/embed", "{\"inputs\": \"a\"}", "Authorization", "Bearer s3cret")
                            .statusCode())
                    .isEqualTo(503);
            keyed.serve(clip, null);
            assertThat(post(keyed, "/embed", "{\"inputs\": \"a\"}", "Authorization", "Bearer wrong")
                            .statusCode())
                    .isEqualTo(401);
            assertThat(post(keyed, "/embed", "{\"inputs\": \"a\"}", "Authorization", "Bearer s3cret")
                            .statusCode())
                    .isEqualTo(200);
            HttpResponse<String> r = post(keyed, "/search", "{\"query\": \"a\"}", "Authorization", "Bearer s3cret");
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(r.body()).contains("no index");
            assertThat(get(keyed, "/.well-known/ready").statusCode()).isEqualTo(204);
        }
    }

    @Test
    void thirtyTwoConcurrentClientsGetExactlyTheSerialResults() throws Exception {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 64; i++) texts.add("text number " + i + (i % 3 == 0 ? " 一只猫在沙发上睡觉" : ""));
        List<float[]> serial = clip.embedTexts(texts);
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            List<Future<float[]>> got = new ArrayList<>();
            for (String t : texts) {
                got.add(pool.submit(() -> {
                    HttpResponse<String> r = post(
                            server,
                            "/embed",
                            new JsonWriter()
                                    .beginObject()
                                    .name("inputs")
                                    .value(t)
                                    .endObject()
                                    .toString());
                    assertThat(r.statusCode()).isEqualTo(200);
                    return floats(((List<?>) Json.parse(r.body())).get(0));
                }));
            }
            for (int i = 0; i < texts.size(); i++)
                assertThat(got.get(i).get(60, TimeUnit.SECONDS))
                        .as(texts.get(i))
                        .containsExactly(serial.get(i));
        } finally {
            pool.shutdownNow();
        }
        assertThat(get(server, "/metrics").body()).contains("altclip_text_batch_size_bucket");
    }

    @Test
    void aFullQueueAnswers429AndTheServerRecovers() throws Exception {
        try (AltClipServer small =
                AltClipServer.start(AltClipServer.Config.defaults().withPort(0).withBatching(8, 5, 4))) {
            small.serve(clip, null);
            HttpResponse<String> r = post(small, "/embed", "{\"inputs\": [\"a\", \"b\", \"c\", \"d\", \"e\"]}");
            assertThat(r.statusCode()).isEqualTo(429);
            assertThat(r.body()).contains("\"error_type\": \"overloaded\"");
            assertThat(r.headers().firstValue("Retry-After")).contains("1");
            ExecutorService pool = Executors.newFixedThreadPool(16);
            List<Future<Integer>> codes = new ArrayList<>();
            for (int i = 0; i < 64; i++)
                codes.add(pool.submit(() -> post(small, "/embed", "{\"inputs\": [\"x\", \"y\", \"z\"]}")
                        .statusCode()));
            int ok = 0, overloaded = 0;
            for (Future<Integer> c : codes) {
                int code = c.get(60, TimeUnit.SECONDS);
                assertThat(code).isIn(200, 429);
                if (code == 200) ok++;
                else overloaded++;
            }
            pool.shutdownNow();
            assertThat(ok).isPositive();
            assertThat(ok + overloaded).isEqualTo(64);
            assertThat(post(small, "/embed", "{\"inputs\": [\"after\"]}").statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void shutdownWithRequestsInFlightAnswersOrClosesEveryOne() throws Exception {
        AltClipServer s = AltClipServer.start(AltClipServer.Config.defaults().withPort(0));
        s.serve(clip, null);
        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            inFlight.add(HTTP.sendAsync(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/embed"))
                            .timeout(Duration.ofSeconds(60))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\": [\"in flight " + i + "\"]}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        Thread.sleep(20);
        s.close();
        int answered = 0, closed = 0;
        for (CompletableFuture<HttpResponse<String>> f : inFlight) {
            try {
                int code = f.get(90, TimeUnit.SECONDS).statusCode();
                assertThat(code).isIn(200, 503);
                answered++;
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(IOException.class); // a clean connection close, not a hang
                closed++;
            }
        }
        assertThat(answered + closed).isEqualTo(40);
    }
}
