package io.github.altclip4j.server;

import com.sun.net.httpserver.HttpExchange;
import io.github.altclip4j.AltClip;
import io.github.altclip4j.PromptTemplates;
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
        Requests.Classify r = Body.read(server, ex, Requests.Classify.class);
        List<String> labels = Body.items(r.labels(), "labels", server.config().maxItems(), true);
        if (labels.isEmpty()) throw HttpError.unprocessable("\"labels\" must not be empty");
        float[] img = server.embedImages(List.of(Body.image(r.image(), "image")), "image", true)
                .get(0);
        List<String> templates = templates(r.templates());
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
    private List<String> templates(List<String> templates) throws IOException, HttpError {
        List<String> given = Body.items(templates, "templates", server.config().queueCapacity(), false);
        if (given.size() == 1 && PromptTemplates.names().contains(given.get(0)))
            return PromptTemplates.of(given.get(0));
        for (int i = 0; i < given.size(); i++)
            if (!given.get(i).contains("{}"))
                throw HttpError.unprocessable("\"templates[" + i + "]\" has no {} for the label (or name a set: "
                        + String.join(", ", PromptTemplates.names()) + ")");
        return given.isEmpty() ? List.of("{}") : given;
    }

    /**
     * {"query": text | [{"text" | "image": base64, "weight"}...]} | {"image": base64} | {"id": n}, "k", "min_score"
     * -> {"results": [{"path", "score", "row", "id"}]}. A list of terms is one combined query ({@link AltClip#combine}).
     */
    private int search(HttpExchange ex) throws IOException, HttpError {
        Requests.Search r = Body.read(server, ex, Requests.Search.class);
        AltClipServer.Model m = server.model();
        if (m.index() == null)
            throw new HttpError(404, "not_found", "this server has no index (start it with --index INDEX)");
        int k = r.k() == null ? 24 : r.k();
        float minScore =
                r.minScore() == null ? Float.NEGATIVE_INFINITY : r.minScore().floatValue();
        float[] query;
        int given = (r.query() != null ? 1 : 0) + (r.image() != null ? 1 : 0) + (r.id() != null ? 1 : 0);
        if (given != 1)
            throw HttpError.unprocessable(
                    "give exactly one of \"query\" (text), \"image\" (base64) or \"id\" (an indexed image)");
        if (r.query() instanceof List) {
            List<?> terms =
                    Body.items((List<?>) r.query(), "query", server.config().maxItems(), true);
            if (terms.isEmpty()) throw HttpError.unprocessable("\"query\" must not be empty");
            query = combined(Body.records(terms, "query", Requests.SearchTerm.class));
        } else if (r.query() instanceof String) {
            query = server.embedTexts(List.of((String) r.query()), true).get(0);
        } else if (r.query() != null) {
            throw HttpError.unprocessable("\"query\" must be a text or a list of terms");
        } else if (r.image() != null) {
            query = server.embedImages(List.of(Body.image(r.image(), "image")), "image", true)
                    .get(0);
        } else {
            int row = m.index().row(r.id());
            if (row < 0) throw new HttpError(404, "not_found", "no image with id " + r.id() + " in the index");
            query = m.index().vector(row);
        }
        AltClipServer.sendJson(
                ex, 200, new Messages.SearchResults(m.index().search(m.towers().folder(), query, k, minScore)));
        return 200;
    }

    /** The weighted sum of the terms' unit embeddings, made unit length (the same rule as {@code altclip search}). */
    private float[] combined(List<Requests.SearchTerm> terms) throws IOException, HttpError {
        List<String> texts = new ArrayList<>();
        List<byte[]> images = new ArrayList<>();
        float[] weights = new float[terms.size()];
        for (int i = 0; i < terms.size(); i++) {
            Requests.SearchTerm t = terms.get(i);
            if ((t.text() == null) == (t.image() == null))
                throw HttpError.unprocessable("\"query[" + i + "]\" needs exactly one of \"text\" or \"image\"");
            if (t.text() != null) texts.add(t.text());
            else images.add(Body.image(t.image(), "query[" + i + "].image"));
            weights[i] = t.weight() == null ? 1f : t.weight();
            if (!Float.isFinite(weights[i]))
                throw HttpError.unprocessable("\"query[" + i + "].weight\" must be finite");
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
        Requests.Duplicates r = Body.read(server, ex, Requests.Duplicates.class);
        AltClipServer.Model m = server.model();
        if (m.index() == null)
            throw new HttpError(404, "not_found", "this server has no index (start it with --index INDEX)");
        double threshold = r.threshold() == null ? ImageIndex.DUPLICATE_THRESHOLD : r.threshold();
        if (!(threshold >= -1 && threshold <= 1))
            throw HttpError.unprocessable("\"threshold\" must be a cosine, from -1 to 1");
        KeepRule keep = r.keep() == null ? KeepRule.LARGEST : r.keep();
        AltClipServer.sendJson(ex, 200, new Messages.DuplicateGroups(m.index().duplicates((float) threshold, keep)));
        return 200;
    }
}
