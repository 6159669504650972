package io.github.altclip4j.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.altclip4j.AltClip;
import io.github.altclip4j.formats.Json;
import io.github.altclip4j.model.Towers;
import io.github.altclip4j.server.AltClipServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A model loaded with one tower: the other's weights are not read (the load's byte count says so exactly), nothing is
 * called unused, the loaded tower gives the bits of the full model, and the missing one is refused with a message
 * (in the API, and as a 400 from the server).
 */
class TowersTest {
    private static final Path MODEL = Reference.fixtures().resolve("tiny-altclip");
    private static final List<Path> IMAGES = List.of(
            Reference.fixtures().resolve("images/files/small_64x48.png"),
            Reference.fixtures().resolve("images/files/rgb24_150x100.bmp"));
    private static final List<String> TEXTS = List.of("一只猫的照片", "a photo of a dog");

    /** The bytes the load reads for {@code towers}, and the warnings it gives. */
    private record Load(long bytes, List<String> warnings) {}

    private static Load load(Towers towers, java.util.function.Consumer<AltClip> use) throws Exception {
        long[] total = {0};
        List<String> warnings = new ArrayList<>();
        AltClip.Options o = AltClip.Options.defaults()
                .withThreads(2)
                .withTowers(towers)
                .withWarnings(warnings::add)
                .withProgress((bytes, totalBytes) -> total[0] = totalBytes);
        try (AltClip clip = AltClip.load(MODEL, o)) {
            assertThat(clip.towers()).isEqualTo(towers);
            use.accept(clip);
        }
        return new Load(total[0], warnings);
    }

    @Test
    void oneTowerReadsOnlyItsWeightsAndGivesTheBitsOfTheWholeModel() throws Exception {
        List<float[]> texts = new ArrayList<>(), images = new ArrayList<>();
        Load both = load(Towers.BOTH, clip -> {
            texts.addAll(clip.embedTexts(TEXTS));
            images.addAll(uncheck(() -> clip.embedImages(IMAGES)));
        });
        Load text = load(Towers.TEXT, clip -> {
            assertThat(clip.embedTexts(TEXTS)).usingRecursiveComparison().isEqualTo(texts);
            assertThatThrownBy(() -> clip.embedImages(IMAGES))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("the image tower is not loaded");
        });
        Load image = load(Towers.IMAGE, clip -> {
            assertThat(uncheck(() -> clip.embedImages(IMAGES)))
                    .usingRecursiveComparison()
                    .isEqualTo(images);
            assertThatThrownBy(() -> clip.embedText("a cat"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("the text tower is not loaded");
        });
        assertThat(text.warnings()).isEmpty();
        assertThat(image.warnings()).isEmpty();
        // only logit_scale (one float32) belongs to both towers: every other tensor is read by exactly one
        assertThat(text.bytes() + image.bytes() - both.bytes()).isEqualTo(4);
        assertThat(text.bytes()).isLessThan(both.bytes());
        assertThat(image.bytes()).isLessThan(both.bytes());
    }

    @Test
    void aTextOnlyServerServesTextAndRefusesImagesWithA400() throws Exception {
        try (AltClip clip = AltClip.load(
                        MODEL, AltClip.Options.defaults().withThreads(2).withTowers(Towers.TEXT));
                AltClipServer server =
                        AltClipServer.start(AltClipServer.Config.defaults().withPort(0))) {
            server.serve(clip, null);
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.port();
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/embed"))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\": [\"a cat\"]}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            List<?> vector = (List<?>) ((List<?>) Json.parse(r.body())).get(0);
            assertThat(((Number) vector.get(0)).floatValue()).isEqualTo(clip.embedText("a cat")[0]);
            String png = Base64.getEncoder().encodeToString(Files.readAllBytes(IMAGES.get(0)));
            r = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/v1/embeddings"))
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"input\": [\"" + png + "\"], \"modality\": \"image\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.body())
                    .contains("\"error_type\": \"tower_not_loaded\"")
                    .contains("text tower only");
            r = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/info")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(((Map<?, ?>) Json.parse(r.body())).get("towers")).isEqualTo("text");
        }
    }

    private interface Io<T> {
        T get() throws Exception;
    }

    private static <T> T uncheck(Io<T> f) {
        try {
            return f.get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
