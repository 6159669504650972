package io.github.altclip4j.langchain4j;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.image.Image;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.ContentType;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.request.EmbeddingInput;
import dev.langchain4j.model.embedding.request.EmbeddingRequest;
import dev.langchain4j.model.embedding.response.EmbeddingResponse;
import dev.langchain4j.model.embedding.response.EmbeddingResponseMetadata;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.output.TokenUsage;
import io.github.altclip4j.AltClip;
import io.github.altclip4j.ImageInput;
import io.github.altclip4j.weights.WeightFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * AltCLIP as a LangChain4j {@link EmbeddingModel}: bilingual (Chinese and English, and more) text embeddings and
 * image embeddings in one space, computed in process by altclip4j, with no network and no native code. Texts go
 * through {@link #embedAll}, images through LangChain4j's multimodal {@link #embed(EmbeddingRequest)} with
 * {@link ImageContent} inputs (base64 data, or a {@code file:} URI; web URLs are refused: nothing is fetched), or
 * {@link #embedImage(Path)}. Embeddings are unit length, so a store's cosine and dot product agree.
 *
 * <pre>{@code
 * EmbeddingModel model = AltClipEmbeddingModel.builder().modelPath(Path.of("AltCLIP")).weights(WeightFormat.INT8).build();
 * Embedding cat = model.embed("一只在沙发上睡觉的猫").content();
 * }</pre>
 *
 * <p>Instances built from the same folder with the same options share one loaded model per JVM (the weights are
 * gigabytes); the model stays loaded for the JVM's life.
 */
public final class AltClipEmbeddingModel implements EmbeddingModel {
    private static final Map<Key, AltClip> LOADED = new ConcurrentHashMap<>();

    private record Key(Path folder, WeightFormat weights, int threads) {}

    private final AltClip clip;

    private AltClipEmbeddingModel(AltClip clip) {
        this.clip = clip;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** In LangChain4j's style: {@code modelPath} is required, the rest have altclip4j's defaults. */
    public static final class Builder {
        private Path modelPath;
        private WeightFormat weights = AltClip.Options.defaults().weights();
        private int threads = AltClip.Options.defaults().threads();

        /** A model folder as the Hugging Face hub publishes it (BAAI/AltCLIP, -m9, -m18). */
        public Builder modelPath(Path folder) {
            this.modelPath = folder;
            return this;
        }

        /** How the weights are held: as stored, F32, BF16, F16, or INT8 (a quarter of F32's memory). */
        public Builder weights(WeightFormat format) {
            this.weights = format;
            return this;
        }

        /** Compute threads; 0 (the default) is one per processor, shared. */
        public Builder threads(int n) {
            this.threads = n;
            return this;
        }

        /** Loads the model, or reuses the one already loaded from the same folder with the same options. */
        public AltClipEmbeddingModel build() {
            if (modelPath == null) throw new IllegalArgumentException("modelPath is required");
            Key key = new Key(modelPath.toAbsolutePath().normalize(), weights, threads);
            return new AltClipEmbeddingModel(LOADED.computeIfAbsent(key, k -> {
                try {
                    return AltClip.load(
                            k.folder(),
                            AltClip.Options.defaults().withWeights(k.weights()).withThreads(k.threads()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }));
        }
    }

    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
        List<String> texts = segments.stream().map(TextSegment::text).toList();
        List<Embedding> out = new ArrayList<>(texts.size());
        for (float[] v : clip.embedTexts(texts)) out.add(Embedding.from(v));
        return Response.from(out, new TokenUsage(tokens(texts)));
    }

    /** The embedding of an image file, in the texts' space. */
    public Embedding embedImage(Path file) throws IOException {
        return Embedding.from(clip.embedImages(List.of(file)).get(0));
    }

    @Override
    public Set<ContentType> supportedContentTypes() {
        return Set.of(ContentType.TEXT, ContentType.IMAGE);
    }

    /**
     * Each input is one text or one image (an input that mixes contents is refused: AltCLIP has no joint embedding).
     * Texts are embedded together, images a batch at a time; an image that cannot be read is an
     * {@link IllegalArgumentException} naming its input.
     */
    @Override
    public EmbeddingResponse doEmbed(EmbeddingRequest request) {
        List<EmbeddingInput> inputs = request.inputs();
        List<String> texts = new ArrayList<>();
        List<ImageInput> images = new ArrayList<>();
        boolean[] isText = new boolean[inputs.size()];
        for (int i = 0; i < inputs.size(); i++) {
            List<Content> contents = inputs.get(i).contents();
            if (contents.size() != 1)
                throw new IllegalArgumentException(
                        "input " + i + ": one text or one image per input (it has " + contents.size() + " contents)");
            Content c = contents.get(0);
            if (c instanceof TextContent) {
                isText[i] = true;
                texts.add(((TextContent) c).text());
            } else if (c instanceof ImageContent) {
                images.add(image(((ImageContent) c).image(), "input " + i));
            } else {
                throw new IllegalArgumentException(
                        "input " + i + ": " + c.type() + " is not supported (text or image)");
            }
        }
        List<float[]> textVectors = clip.embedTexts(texts);
        List<AltClip.ImageResult> imageResults;
        try {
            imageResults = clip.embedAll(images);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Embedding> out = new ArrayList<>(inputs.size());
        for (int i = 0, t = 0, m = 0; i < inputs.size(); i++) {
            if (isText[i]) {
                out.add(Embedding.from(textVectors.get(t++)));
                continue;
            }
            AltClip.ImageResult r = imageResults.get(m++);
            if (!r.ok()) throw new IllegalArgumentException(r.error().getMessage(), r.error());
            out.add(Embedding.from(r.embedding()));
        }
        TokenUsage usage = new TokenUsage(tokens(texts));
        return EmbeddingResponse.builder()
                .embeddings(out)
                .metadata(EmbeddingResponseMetadata.builder()
                        .modelName(modelName())
                        .tokenUsage(usage)
                        .build())
                .build();
    }

    /** An image as LangChain4j carries it: base64 data, or a local file's URI. */
    private static ImageInput image(Image image, String name) {
        if (image.base64Data() != null) {
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(image.base64Data().replaceAll("\\s+", ""));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + ": the image's base64 data is not valid base64", e);
            }
            return ImageInput.bytes(bytes, name);
        }
        URI url = image.url();
        if (url != null && "file".equalsIgnoreCase(url.getScheme())) return ImageInput.file(Path.of(url));
        throw new IllegalArgumentException(
                name + ": give the image as base64 data or a file: URI (" + url + " is not fetched: nothing is)");
    }

    private int tokens(List<String> texts) {
        int n = 0;
        for (String t : texts) n += clip.tokenCount(t);
        return n;
    }

    /** The loaded model this instance shares (package-private: for tests). */
    AltClip clip() {
        return clip;
    }

    @Override
    public int dimension() {
        return clip.modelFolder().dimension();
    }

    @Override
    public String modelName() {
        return clip.modelFolder().name();
    }
}
