package io.github.altclip4j.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.request.EmbeddingInput;
import dev.langchain4j.model.embedding.request.EmbeddingRequest;
import dev.langchain4j.model.embedding.response.EmbeddingResponse;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import io.github.altclip4j.AltClip;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The LangChain4j model gives altclip4j's own embeddings bit for bit (texts, and images by base64 or file URI), works
 * with LangChain4j's in-memory store as a user would use it, and refuses what it cannot embed with the input named.
 */
class AltClipEmbeddingModelTest {
    private static final Path FIXTURES = Paths.get(System.getProperty("altclip4j.fixtures"));
    private static final Path MODEL = FIXTURES.resolve("tiny-altclip");
    private static final List<Path> IMAGES = List.of(
            FIXTURES.resolve("images/files/small_64x48.png"),
            FIXTURES.resolve("images/files/rgb24_150x100.bmp"),
            FIXTURES.resolve("images/files/gray_301x257.jpg"),
            FIXTURES.resolve("images/files/rgb_baseline_400x300.jpg"));
    private static AltClip reference;
    private static AltClipEmbeddingModel model;

    @BeforeAll
    static void load() throws Exception {
        reference = AltClip.load(MODEL, AltClip.Options.defaults().withThreads(1));
        model = AltClipEmbeddingModel.builder().modelPath(MODEL).threads(2).build();
    }

    @AfterAll
    static void close() {
        reference.close();
    }

    @Test
    void textsAreAltClipsEmbeddingsBitForBit() {
        List<String> texts = List.of("一只在沙发上睡觉的猫", "a cat asleep on a sofa", "고양이");
        List<Embedding> got =
                model.embedAll(texts.stream().map(TextSegment::from).toList()).content();
        List<float[]> expected = reference.embedTexts(texts);
        for (int i = 0; i < texts.size(); i++) assertThat(got.get(i).vector()).isEqualTo(expected.get(i));
        assertThat(model.embed("a cat asleep on a sofa").content().vector()).isEqualTo(expected.get(1));
        assertThat(model.dimension()).isEqualTo(expected.get(0).length);
        assertThat(model.modelName()).isEqualTo("tiny-altclip");
        // the same folder and options: the same loaded model
        assertThat(AltClipEmbeddingModel.builder()
                        .modelPath(MODEL)
                        .threads(2)
                        .build()
                        .clip())
                .isSameAs(model.clip());
    }

    @Test
    void imagesComeThroughTheMultimodalRequestAsBase64OrFileUris() throws Exception {
        List<float[]> expected = reference.embedImages(IMAGES);
        String png = Base64.getEncoder().encodeToString(Files.readAllBytes(IMAGES.get(0)));
        EmbeddingResponse r = model.embed(EmbeddingRequest.builder()
                .inputs(
                        EmbeddingInput.from(ImageContent.from(png, "image/png")),
                        EmbeddingInput.from(TextContent.from("a dog")),
                        EmbeddingInput.from(ImageContent.from(IMAGES.get(1).toUri())))
                .build());
        assertThat(r.embeddings()).hasSize(3);
        assertThat(r.embeddings().get(0).vector()).isEqualTo(expected.get(0));
        assertThat(r.embeddings().get(1).vector()).isEqualTo(reference.embedText("a dog"));
        assertThat(r.embeddings().get(2).vector()).isEqualTo(expected.get(1));
        assertThat(model.embedImage(IMAGES.get(2)).vector()).isEqualTo(expected.get(2));
    }

    @Test
    void anInMemoryStoreFindsTheImageClosestToAChineseAndAnEnglishQuery() throws Exception {
        EmbeddingModel m = model;
        InMemoryEmbeddingStore<TextSegment> store = new InMemoryEmbeddingStore<>();
        List<float[]> vectors = new ArrayList<>();
        for (Path p : IMAGES) {
            Embedding e = model.embedImage(p);
            vectors.add(e.vector());
            store.add(e, TextSegment.from(p.getFileName().toString()));
        }
        for (String query : List.of("一只在沙发上睡觉的猫", "a red car in the snow")) {
            Embedding q = m.embed(query).content();
            List<EmbeddingMatch<TextSegment>> matches = store.search(EmbeddingSearchRequest.builder()
                            .queryEmbedding(q)
                            .maxResults(2)
                            .build())
                    .matches();
            // the best match is the image of largest cosine, computed here in double
            int best = 0;
            double bestCos = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < vectors.size(); i++) {
                double c = 0;
                for (int d = 0; d < q.vector().length; d++) c += (double) q.vector()[d] * vectors.get(i)[d];
                if (c > bestCos) {
                    bestCos = c;
                    best = i;
                }
            }
            assertThat(matches).hasSize(2);
            assertThat(matches.get(0).embedded().text())
                    .isEqualTo(IMAGES.get(best).getFileName().toString());
            assertThat(matches.get(0).score()).isCloseTo((bestCos + 1) / 2, org.assertj.core.data.Offset.offset(1e-6));
        }
    }

    @Test
    void whatCannotBeEmbeddedIsRefusedWithItsInputNamed() {
        EmbeddingRequest bad = EmbeddingRequest.builder()
                .inputs(
                        EmbeddingInput.from(TextContent.from("fine")),
                        EmbeddingInput.from(ImageContent.from(
                                Base64.getEncoder().encodeToString("not a PNG".getBytes()), "image/png")))
                .build();
        assertThatThrownBy(() -> model.embed(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("input 1");
        assertThatThrownBy(() -> model.embed(EmbeddingRequest.builder()
                        .input(ImageContent.from(java.net.URI.create("https://example.com/cat.jpg")))
                        .build()))
                .hasMessageContaining("input 0")
                .hasMessageContaining("is not fetched");
        assertThatThrownBy(() -> model.embed(EmbeddingRequest.builder()
                        .input(TextContent.from("a"), TextContent.from("b"))
                        .build()))
                .hasMessageContaining("one text or one image per input");
        assertThatThrownBy(() -> AltClipEmbeddingModel.builder().build()).hasMessageContaining("modelPath");
    }
}
