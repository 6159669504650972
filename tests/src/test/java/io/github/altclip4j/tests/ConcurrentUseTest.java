package io.github.altclip4j.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.altclip4j.AltClip;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** One {@link AltClip} shared by several threads gives each caller exactly what it gets alone. */
class ConcurrentUseTest {

    @Test
    void sharedInstanceGivesTheSameBitsUnderConcurrentCalls() throws Exception {
        Path model = Reference.fixtures().resolve("tiny-altclip");
        List<Path> images = List.of(
                Reference.fixtures().resolve("images/files/small_64x48.png"),
                Reference.fixtures().resolve("images/files/rgb24_150x100.bmp"));
        List<String> texts = List.of("a photo of a cat", "一只猫的照片", "고양이 사진");
        try (AltClip clip = AltClip.load(model, AltClip.Options.defaults().withThreads(2))) {
            List<float[]> textAlone = clip.embedTexts(texts), imageAlone = clip.embedImages(images);
            ExecutorService callers = Executors.newFixedThreadPool(4);
            try {
                List<Future<List<float[]>>> results = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    boolean text = i % 2 == 0;
                    results.add(callers.submit(() -> text ? clip.embedTexts(texts) : clip.embedImages(images)));
                }
                for (int i = 0; i < results.size(); i++) {
                    List<float[]> expected = i % 2 == 0 ? textAlone : imageAlone,
                            got = results.get(i).get();
                    for (int k = 0; k < expected.size(); k++)
                        assertThat(got.get(k)).isEqualTo(expected.get(k));
                }
            } finally {
                callers.shutdown();
            }
        }
    }
}
