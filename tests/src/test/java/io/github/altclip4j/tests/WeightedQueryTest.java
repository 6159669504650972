package io.github.altclip4j.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.altclip4j.AltClip;
import io.github.altclip4j.ImageInput;
import io.github.altclip4j.formats.Json;
import io.github.altclip4j.index.ImageIndex;
import io.github.altclip4j.index.IndexProgress;
import io.github.altclip4j.index.UpdateOptions;
import io.github.altclip4j.server.AltClipServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Queries that combine words and pictures: {@code q = Σ wᵢ eᵢ / ‖Σ wᵢ eᵢ‖}, checked against that formula computed here
 * from the terms' own embeddings, through the API and the server's {@code /search}.
 */
class WeightedQueryTest {
    private static final Path FILES = Reference.fixtures().resolve("images/files");
    private static final Path POOL = FILES.resolve("rgb_baseline_400x300.jpg");
    private static AltClip clip;

    @TempDir
    static Path tmp;

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

    /** The formula, in double, from the terms' embeddings. */
    private static double[] expected(List<float[]> e, double[] w) {
        double[] q = new double[e.get(0).length];
        for (int t = 0; t < w.length; t++) for (int i = 0; i < q.length; i++) q[i] += w[t] * e.get(t)[i];
        double n = 0;
        for (double x : q) n += x * x;
        for (int i = 0; i < q.length; i++) q[i] /= Math.sqrt(n);
        return q;
    }

    private static void assertClose(float[] got, double[] expected) {
        assertThat(got).hasSize(expected.length);
        for (int i = 0; i < got.length; i++) assertThat((double) got[i]).isCloseTo(expected[i], within(2e-7));
    }

    @Test
    void aCombinedQueryIsTheWeightedSumOfUnitEmbeddingsMadeUnit() throws Exception {
        float[] golden = clip.embedText("golden retriever"), fruit = clip.embedText("fruit");
        float[] pool = clip.embedImages(List.of(POOL)).get(0);
        float[] q = clip.embedQuery(List.of(
                AltClip.QueryTerm.text("golden retriever", 2),
                AltClip.QueryTerm.image(ImageInput.file(POOL), 1),
                AltClip.QueryTerm.text("fruit", -1)));
        assertClose(q, expected(List.of(golden, pool, fruit), new double[] {2, 1, -1}));
        // one term of positive weight: its embedding, bit for bit
        assertThat(clip.embedQuery(List.of(AltClip.QueryTerm.text("fruit", 3)))).isEqualTo(fruit);
        assertClose(
                clip.embedQuery(List.of(AltClip.QueryTerm.text("fruit", -1))),
                expected(List.of(fruit), new double[] {-1}));
        assertThatThrownBy(() -> clip.embedQuery(
                        List.of(AltClip.QueryTerm.text("fruit", 1), AltClip.QueryTerm.text("fruit", -1))))
                .hasMessageContaining("cancel out");
    }

    @Test
    void theServerCombinesTheSameWay() throws Exception {
        ImageIndex index = ImageIndex.create(tmp.resolve("idx"), FILES, clip.modelFolder(), ImageIndex.Store.F32);
        index.update(clip, UpdateOptions.defaults(), IndexProgress.NONE);
        try (AltClipServer server =
                AltClipServer.start(AltClipServer.Config.defaults().withPort(0))) {
            server.serve(clip, index);
            String png = Base64.getEncoder().encodeToString(Files.readAllBytes(POOL));
            String body = "{\"k\": 5, \"query\": [{\"text\": \"golden retriever\", \"weight\": 2}," + " {\"image\": \""
                    + png + "\"}, {\"text\": \"fruit\", \"weight\": -1}]}";
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/search"))
                                    .POST(HttpRequest.BodyPublishers.ofString(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            List<?> results = (List<?>) ((Map<?, ?>) Json.parse(r.body())).get("results");
            float[] q = clip.embedQuery(List.of(
                    AltClip.QueryTerm.text("golden retriever", 2),
                    AltClip.QueryTerm.image(ImageInput.file(POOL), 1),
                    AltClip.QueryTerm.text("fruit", -1)));
            List<ImageIndex.Result> direct = index.search(clip, q, 5, Float.NEGATIVE_INFINITY);
            assertThat(results).hasSize(direct.size());
            for (int i = 0; i < direct.size(); i++) {
                Map<?, ?> hit = (Map<?, ?>) results.get(i);
                assertThat(((Number) hit.get("row")).intValue())
                        .isEqualTo(direct.get(i).row());
                assertThat(((Number) hit.get("id")).longValue())
                        .isEqualTo(direct.get(i).id());
                assertThat(((Number) hit.get("score")).floatValue())
                        .isEqualTo(direct.get(i).score());
            }
            r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/search"))
                                    .POST(HttpRequest.BodyPublishers.ofString(
                                            "{\"query\": [{\"text\": \"a\", \"image\": \"x\"}]}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(422);
            assertThat(r.body()).contains("query[0]\\\" needs exactly one of");
        }
    }
}
