package io.github.altclip4j.server;

import com.sun.net.httpserver.HttpExchange;
import io.github.altclip4j.AltClip;
import io.github.altclip4j.PromptTemplates;
import io.github.altclip4j.formats.Spelling;
import io.github.altclip4j.index.ImageIndex;
import io.github.altclip4j.index.KeepRule;
import io.github.altclip4j.model.Towers;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** This server's own endpoints: zero-shot {@code /classify}, and {@code /search} and {@code /duplicates} in the index. */
final class AltClipApi {
    private final AltClipServer server;

    AltClipApi(AltClipServer server) {
        this.server = server;
    }

    /** This protocol's routes, for {@link Endpoints}. */
    List<Endpoints.Route> routes() {
        return List.of(
                new Endpoints.Route("POST", "/classify", false, this::classify),
                new Endpoints.Route("POST", "/search", false, this::search),
                new Endpoints.Route("POST", "/duplicates", false, this::duplicates));
    }

    /**
     * {"image": base64 | data URI, "labels": [...], "templates": [...] | "clip-imagenet"} -> {"labels": [{"label",
     * "probability"}]}, best first. Templates are averaged by CLIP's recipe ({@link AltClip#meanEmbedding}); the prompts
     * (labels x templates) go through the text queue, at most its capacity per request.
     */
    private int classify(HttpExchange ex) throws IOException, HttpError {
        Body b = Body.read(server, ex);
        List<String> labels = b.strings("labels", server.config().maxItems(), true);
        if (labels.isEmpty()) throw HttpError.unprocessable("\"labels\" must not be empty");
        String image = b.string("image", null);
        if (image == null) throw HttpError.unprocessable("\"image\" is required");
        float[] img = server.embedImages(List.of(Body.image(image, "image")), "image", true)
                .get(0);
        List<String> templates = templates(b);
        int n = templates.size();
        if ((long) labels.size() * n > server.config().queueCapacity())
            throw new HttpError(
                    413,
                    "payload_too_large",
                    labels.size() + " labels x " + n + " templates make " + labels.size() * n
                            + " prompts; the limit is " + server.config().queueCapacity() + " (--queue)");
        List<String> prompts = new ArrayList<>(labels.size() * n);
        for (String label : labels) for (String t : templates) prompts.add(t.replace("{}", label));
        List<float[]> each = server.embedTexts(prompts, true);
        List<float[]> labelEmbeddings = new ArrayList<>(labels.size());
        for (int l = 0; l < labels.size(); l++)
            labelEmbeddings.add(AltClip.meanEmbedding(each.subList(l * n, (l + 1) * n)));
        try (ServedTowers.Lease tower = server.model().towers().lease(Towers.IMAGE)) { // exp(logit_scale)
            AltClipServer.sendJson(ex, 200, new Messages.Labels(tower.clip().rank(img, labels, labelEmbeddings)));
        }
        return 200;
    }

    /** "templates": a built-in set's name, or templates with {} for the label; absent: the labels as written. */
    private List<String> templates(Body b) throws IOException, HttpError {
        List<String> given = b.strings("templates", server.config().queueCapacity(), false);
        if (given.size() == 1 && PromptTemplates.names().contains(given.get(0)))
            return PromptTemplates.of(given.get(0));
        for (int i = 0; i < given.size(); i++)
            if (!given.get(i).contains("{}"))
                throw HttpError.unprocessable("\"templates\"[" + i + "] has no {} for the label (or name a set: "
                        + String.join(", ", PromptTemplates.names()) + ")");
        return given.isEmpty() ? List.of("{}") : given;
    }

    /**
     * {"query": text | [{"text" | "image": base64, "weight"}...]} | {"image": base64} | {"id": n}, "k", "min_score"
     * -> {"results": [{"path", "score", "row", "id"}]}. A list of terms is one combined query ({@link AltClip#combine}).
     */
    private int search(HttpExchange ex) throws IOException, HttpError {
        Body b = Body.read(server, ex);
        AltClipServer.Model m = server.model();
        if (m.index() == null)
            throw new HttpError(404, "not_found", "this server has no index (start it with --index INDEX)");
        int k = b.integer("k", 24, 1, 1000);
        float minScore = (float) b.number("min_score", Double.NEGATIVE_INFINITY);
        float[] query;
        int given = (b.has("query") ? 1 : 0) + (b.has("image") ? 1 : 0) + (b.has("id") ? 1 : 0);
        if (given != 1)
            throw HttpError.unprocessable(
                    "give exactly one of \"query\" (text), \"image\" (base64) or \"id\" (an indexed image)");
        if (b.has("query") && b.isList("query")) {
            query = combined(b.records(
                    "query", Messages.SearchTerm.class, server.config().maxItems()));
        } else if (b.has("query")) {
            query = server.embedTexts(List.of(b.string("query", "")), true).get(0);
        } else if (b.has("image")) {
            query = server.embedImages(List.of(Body.image(b.string("image", ""), "image")), "image", true)
                    .get(0);
        } else {
            long id = b.whole("id", 0, 1, Long.MAX_VALUE);
            int row = m.index().row(id);
            if (row < 0) throw new HttpError(404, "not_found", "no image with id " + id + " in the index");
            query = m.index().vector(row);
        }
        AltClipServer.sendJson(
                ex, 200, new Messages.SearchResults(m.index().search(m.towers().folder(), query, k, minScore)));
        return 200;
    }

    /** The weighted sum of the terms' unit embeddings, made unit length (the same rule as {@code altclip search}). */
    private float[] combined(List<Messages.SearchTerm> terms) throws IOException, HttpError {
        List<String> texts = new ArrayList<>();
        List<byte[]> images = new ArrayList<>();
        float[] weights = new float[terms.size()];
        for (int i = 0; i < terms.size(); i++) {
            Messages.SearchTerm t = terms.get(i);
            if ((t.text() == null) == (t.image() == null))
                throw HttpError.unprocessable("\"query\"[" + i + "] needs exactly one of \"text\" or \"image\"");
            if (t.text() != null) texts.add(t.text());
            else images.add(Body.image(t.image(), "query[" + i + "].image"));
            weights[i] = t.weight() == null ? 1f : t.weight();
            if (!Float.isFinite(weights[i]))
                throw HttpError.unprocessable("\"query\"[" + i + "].weight must be finite");
        }
        List<float[]> tv = texts.isEmpty() ? List.of() : server.embedTexts(texts, true);
        List<float[]> iv = images.isEmpty() ? List.of() : server.embedImages(images, "query", true);
        List<float[]> vectors = new ArrayList<>(terms.size());
        for (int i = 0, nt = 0, ni = 0; i < terms.size(); i++)
            vectors.add(terms.get(i).text() != null ? tv.get(nt++) : iv.get(ni++));
        try {
            return AltClip.combine(vectors, weights);
        } catch (IllegalArgumentException e) {
            throw HttpError.unprocessable("\"query\": " + e.getMessage());
        }
    }

    /**
     * {"threshold": 0.95, "keep": "largest" | "oldest" | "newest" | "most-exif"} -> {"groups": [{"images": [{"path",
     * "score", "row", "id"}], "keep": {...}}]}: what {@code altclip dedup} finds, for the page's duplicates view.
     */
    private int duplicates(HttpExchange ex) throws IOException, HttpError {
        Body b = Body.read(server, ex);
        AltClipServer.Model m = server.model();
        if (m.index() == null)
            throw new HttpError(404, "not_found", "this server has no index (start it with --index INDEX)");
        double threshold = b.number("threshold", ImageIndex.DUPLICATE_THRESHOLD);
        if (!(threshold >= -1 && threshold <= 1))
            throw HttpError.unprocessable("\"threshold\" must be a cosine, from -1 to 1");
        KeepRule keep;
        try {
            keep = Spelling.parse(KeepRule.class, b.string("keep", Spelling.of(KeepRule.LARGEST)), "\"keep\"");
        } catch (IllegalArgumentException e) {
            throw HttpError.unprocessable(e.getMessage());
        }
        AltClipServer.sendJson(ex, 200, new Messages.DuplicateGroups(m.index().duplicates((float) threshold, keep)));
        return 200;
    }
}
