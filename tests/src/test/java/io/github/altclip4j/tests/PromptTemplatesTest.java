package io.github.altclip4j.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.altclip4j.AltClip;
import io.github.altclip4j.PromptTemplates;
import io.github.altclip4j.formats.Json;
import io.github.altclip4j.server.AltClipServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CLIP's prompt sets as published, a set from a file, and the same template averaging in the API, the command line
 * and the server's {@code /classify}.
 */
class PromptTemplatesTest {
    private static final Path MODEL = Reference.fixtures().resolve("tiny-altclip");
    private static final Path IMAGE = Reference.fixtures().resolve("images/files/rgb_baseline_400x300.jpg");
    private static final List<String> LABELS = List.of("猫", "dog", "car");

    @Test
    void theBuiltInSetsAreClipsAndAFileIsReadLineByLine(@TempDir Path tmp) throws Exception {
        List<String> imagenet = PromptTemplates.of("clip-imagenet"), cifar = PromptTemplates.of("clip-cifar");
        assertThat(imagenet).hasSize(80).startsWith("a bad photo of a {}.").endsWith("a tattoo of the {}.");
        assertThat(new HashSet<>(imagenet)).hasSize(80);
        assertThat(cifar).hasSize(18).startsWith("a photo of a {}.").endsWith("a photo of the big {}.");
        for (String t : imagenet) assertThat(t).contains("{}");
        Path file = Files.writeString(tmp.resolve("mine.txt"), "# mine\na photo of {}.\n\n一张{}的照片。\n");
        assertThat(PromptTemplates.of(file.toString())).containsExactly("a photo of {}.", "一张{}的照片。");
        Files.writeString(file, "a photo of {}.\nno label here\n");
        assertThatThrownBy(() -> PromptTemplates.of(file.toString())).hasMessageContaining("line 2 has no {}");
        assertThatThrownBy(() -> PromptTemplates.of("clip-nothing")).hasMessageContaining("neither a template set");
    }

    @Test
    void theCommandLineAndTheServerAverageAsTheApiDoes() throws Exception {
        List<String> cifar = PromptTemplates.of("clip-cifar");
        try (AltClip clip = AltClip.load(MODEL, AltClip.Options.defaults().withThreads(2))) {
            float[] image = clip.embedImages(List.of(IMAGE)).get(0);
            List<AltClip.Label> expected = clip.rank(image, LABELS, clip.embedLabels(LABELS, cifar));

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = io.github.altclip4j.cli.Main.run(
                    new String[] {
                        "classify",
                        "--model",
                        MODEL.toString(),
                        "--templates",
                        "clip-cifar",
                        "--json",
                        IMAGE.toString(),
                        "猫",
                        "dog",
                        "car"
                    },
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            assertThat(code).isZero();
            List<?> labels = (List<?>)
                    ((Map<?, ?>) ((List<?>) Json.parse(out.toString(StandardCharsets.UTF_8))).get(0)).get("labels");
            assertLabels(labels, expected);

            try (AltClipServer server =
                    AltClipServer.start(AltClipServer.Config.defaults().withPort(0))) {
                server.serve(clip, null);
                String body = "{\"image\": \"" + Base64.getEncoder().encodeToString(Files.readAllBytes(IMAGE))
                        + "\", \"labels\": [\"猫\", \"dog\", \"car\"], \"templates\": \"clip-cifar\"}";
                HttpResponse<String> r = HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/classify"))
                                        .POST(HttpRequest.BodyPublishers.ofString(body))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertLabels((List<?>) ((Map<?, ?>) Json.parse(r.body())).get("labels"), expected);
            }
        }
    }

    private static void assertLabels(List<?> got, List<AltClip.Label> expected) {
        assertThat(got).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            Map<?, ?> l = (Map<?, ?>) got.get(i);
            assertThat(l.get("label")).isEqualTo(expected.get(i).text());
            assertThat(((Number) l.get("probability")).floatValue())
                    .isEqualTo(expected.get(i).probability());
        }
    }
}
