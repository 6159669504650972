package io.github.altclip4j.server;

import com.sun.net.httpserver.HttpExchange;
import io.github.altclip4j.AltClip;
import io.github.altclip4j.PromptTemplates;
import io.github.altclip4j.formats.Spelling;
import io.github.altclip4j.index.ImageIndex;
import io.github.altclip4j.index.KeepRule;
import io.github.altclip4j.model.Towers;
import io.github.altclip4j.tokenizer.XlmRobertaTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The server's routes: each checks the method and the API key, reads and checks its body, and answers JSON (or the
 * page, a thumbnail, an indexed image). Every failure becomes an {@link HttpError} response; nothing else escapes.
 */
final class Endpoints {
    /** The model name every OpenAI request may give, whatever the served folder is called. */
    static final String MODEL_ALIAS = "altclip";

    private final AltClipServer server;
    private final byte[] page;

    Endpoints(AltClipServer server) throws IOException {
        this.server = server;
        try (InputStream in = Endpoints.class.getResourceAsStream("search.html")) {
            if (in == null) throw new IOException("search.html is missing from the JAR");
            this.page = in.readAllBytes();
        }
    }

    /** What a route does with its request; returns the status it answered. */
    @FunctionalInterface
    interface Handler {
        int handle(HttpExchange ex) throws IOException, HttpError;
    }

    /**
     * One route: its method, its path (every path under it when it ends in '/', other than "/" itself: the row is the
     * rest), whether it is open without the API key, and its handler. This one list feeds the server's contexts, the
     * API-key rule, the method check and the metrics' endpoint labels.
     */
    record Route(String method, String path, boolean open, Handler handler) {
        private boolean prefix() {
            return path.endsWith("/") && !path.equals("/");
        }

        boolean matches(String requested) {
            return prefix() ? requested.startsWith(path) : requested.equals(path);
        }

        /** The label in the metrics: the path, without the trailing '/' of the per-row routes. */
        String label() {
            return prefix() ? path.substring(0, path.length() - 1) : path;
        }
    }

    final List<Route> routes = List.of(
            new Route("GET", "/.well-known/live", true, this::live),
            new Route("GET", "/.well-known/ready", true, this::ready),
            new Route("GET", "/health", true, this::health),
            new Route("GET", "/", true, this::page),
            new Route("GET", "/thumb/", true, ex -> thumbnail(ex, id(ex, "/thumb/"))),
            new Route("GET", "/image/", true, ex -> original(ex, id(ex, "/image/"))),
            new Route("GET", "/info", false, this::info),
            new Route("GET", "/metrics", false, this::metrics),
            new Route("GET", "/meta", false, this::meta),
            new Route("POST", "/v1/embeddings", false, this::openAi),
            new Route("POST", "/embed", false, this::tei),
            new Route("POST", "/vectorize", false, this::weaviate),
            new Route("POST", "/classify", false, this::classify),
            new Route("POST", "/search", false, this::search),
            new Route("POST", "/duplicates", false, this::duplicates),
            new Route("POST", "/tokenize", false, this::tokenize));

    void handle(HttpExchange ex) throws IOException {
        long t0 = System.nanoTime();
        String path = ex.getRequestURI().getPath();
        Route route = routes.stream().filter(r -> r.matches(path)).findFirst().orElse(null);
        int status = 200;
        boolean entered = false;
        try {
            server.enter();
            entered = true;
            if (route == null) throw new HttpError(404, "not_found", "no endpoint " + path + " (see docs/server.md)");
            if (!route.open() && !server.authorized(ex))
                throw new HttpError(401, "unauthorized", "a valid API key is required (Authorization: Bearer KEY)");
            String m = ex.getRequestMethod();
            if (!m.equals(route.method()) && !(route.method().equals("GET") && m.equals("HEAD"))) {
                ex.getResponseHeaders().set("Allow", route.method());
                throw new HttpError(405, "method_not_allowed", path + " takes " + route.method() + ", not " + m);
            }
            status = route.handler().handle(ex);
        } catch (HttpError e) {
            status = e.status;
            server.discardBody(ex);
            AltClipServer.sendError(ex, e);
        } catch (IOException | RuntimeException | Error e) {
            // Anything else still gets an answer: a request must never hang because its handler died.
            status = 500;
            server.discardBody(ex);
            String m = e.getMessage();
            AltClipServer.sendError(
                    ex, new HttpError(500, "backend", m == null ? e.getClass().getSimpleName() : m));
            if (e instanceof VirtualMachineError) throw (VirtualMachineError) e;
        } finally {
            if (entered) server.leave();
            server.metrics().request(route == null ? "other" : route.label(), status, (System.nanoTime() - t0) / 1e9);
        }
    }

    private int live(HttpExchange ex) throws IOException {
        AltClipServer.send(ex, 204, "text/plain", new byte[0]);
        return 204;
    }

    private int ready(HttpExchange ex) throws IOException, HttpError {
        if (!server.ready()) throw new HttpError(503, "loading", "not ready: the model is still loading");
        AltClipServer.send(ex, 204, "text/plain", new byte[0]);
        return 204;
    }

    private int health(HttpExchange ex) throws IOException, HttpError {
        server.model(); // 503 while loading or after a failed load
        AltClipServer.sendJson(ex, 200, new Messages.Health("ok"));
        return 200;
    }

    private int info(HttpExchange ex) throws IOException {
        AltClipServer.sendJson(ex, 200, server.info());
        return 200;
    }

    private int metrics(HttpExchange ex) throws IOException {
        AltClipServer.send(
                ex, 200, "text/plain; version=0.0.4", server.metrics().render().getBytes(StandardCharsets.UTF_8));
        return 200;
    }

    private int meta(HttpExchange ex) throws IOException, HttpError {
        AltClipServer.Model m = server.model();
        AltClipServer.sendJson(
                ex,
                200,
                new Messages.WeaviateMeta(
                        new Messages.WeaviateModel(
                                m.towers().folder().name(), m.towers().folder().dimension(), "multilingual (AltCLIP)"),
                        io.github.altclip4j.Version.get()));
        return 200;
    }

    private int page(HttpExchange ex) throws IOException, HttpError {
        if (server.model().index() == null)
            throw new HttpError(404, "not_found", "no index is loaded (start with --index INDEX for the search page)");
        AltClipServer.send(ex, 200, "text/html; charset=utf-8", page);
        return 200;
    }

    private Body body(HttpExchange ex) throws IOException, HttpError {
        return Body.parse(server.body(ex));
    }

    /**
     * OpenAI: {"input": str | [str], "encoding_format": "float"|"base64", "modality": "text"|"image", "model",
     * "dimensions", "user"}. As OpenAI does: an empty input is a 400, a model other than the served one (or its alias
     * "altclip") a 404 {@code model_not_found}, and {@code dimensions} other than the model's a 400 (it cannot be
     * shortened); {@code user} is accepted and ignored.
     */
    private int openAi(HttpExchange ex) throws IOException, HttpError {
        Body b = body(ex);
        List<String> input = b.strings("input", server.config().maxItems(), true);
        if (input.isEmpty()) throw HttpError.invalid("\"input\" must not be empty");
        String served = server.model().towers().folder().name(), model = b.string("model", null);
        if (model != null && !model.equals(served) && !model.equals(MODEL_ALIAS)) {
            throw new HttpError(
                    404,
                    "model_not_found",
                    "the model \"" + model + "\" is not served here; this server serves \"" + served + "\" (or \""
                            + MODEL_ALIAS + "\")");
        }
        int dimension = server.model().towers().folder().dimension();
        if (b.has("dimensions") && b.integer("dimensions", dimension, 1, Integer.MAX_VALUE) != dimension) {
            throw HttpError.invalid("\"dimensions\" " + b.integer("dimensions", 0, 1, Integer.MAX_VALUE)
                    + " is not supported: this model's embeddings have " + dimension + " dimensions");
        }
        String format = b.string("encoding_format", "float"), modality = b.string("modality", "text");
        if (!format.equals("float") && !format.equals("base64"))
            throw HttpError.unprocessable("\"encoding_format\" must be float or base64");
        List<float[]> vectors;
        int tokens = 0;
        if (modality.equals("image")) {
            vectors = server.embedImages(decodeAll(input, "input"), "input", true);
        } else if (modality.equals("text")) {
            vectors = server.embedTexts(input, true);
            for (String t : input)
                tokens += server.model().tokenizer().tokenize(t).ids().length;
        } else {
            throw HttpError.unprocessable("\"modality\" must be text or image");
        }
        List<Messages.OpenAiEmbedding> data = new ArrayList<>();
        for (int i = 0; i < vectors.size(); i++) {
            float[] v = vectors.get(i);
            data.add(new Messages.OpenAiEmbedding(i, format.equals("base64") ? AltClipServer.base64(v) : v));
        }
        AltClipServer.sendJson(
                ex, 200, new Messages.OpenAiEmbeddings(data, served, new Messages.OpenAiUsage(tokens, tokens)));
        return 200;
    }

    /** TEI: {"inputs": str | [str], "normalize": true} -> [[...]]. */
    private int tei(HttpExchange ex) throws IOException, HttpError {
        Body b = body(ex);
        List<String> inputs = b.strings("inputs", server.config().maxItems(), true);
        if (inputs.isEmpty()) throw HttpError.unprocessable("\"inputs\" must not be empty");
        List<float[]> vectors = server.embedTexts(inputs, b.bool("normalize", true));
        AltClipServer.sendJson(ex, 200, vectors);
        return 200;
    }

    /** Weaviate multi2vec-clip: {"texts": [...], "images": [base64...]} -> {"textVectors", "imageVectors"}. */
    private int weaviate(HttpExchange ex) throws IOException, HttpError {
        Body b = body(ex);
        List<String> texts = b.strings("texts", server.config().maxItems(), false),
                images = b.strings("images", server.config().maxItems(), false);
        if (texts.isEmpty() && images.isEmpty())
            throw HttpError.unprocessable("give at least one item in \"texts\" or \"images\"");
        if (texts.size() + images.size() > server.config().maxItems()) {
            throw new HttpError(
                    413,
                    "payload_too_large",
                    "at most " + server.config().maxItems() + " texts and images per request");
        }
        List<float[]> tv = texts.isEmpty() ? List.of() : server.embedTexts(texts, true);
        List<float[]> iv =
                images.isEmpty() ? List.of() : server.embedImages(decodeAll(images, "images"), "images", true);
        AltClipServer.sendJson(ex, 200, new Messages.WeaviateVectors(tv, iv));
        return 200;
    }

    /**
     * {"image": base64 | data URI, "labels": [...], "templates": [...] | "clip-imagenet"} -> {"labels": [{"label",
     * "probability"}]}, best first. Templates are averaged by CLIP's recipe ({@link AltClip#meanEmbedding}); the prompts
     * (labels x templates) go through the text queue, at most its capacity per request.
     */
    private int classify(HttpExchange ex) throws IOException, HttpError {
        Body b = body(ex);
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
        Body b = body(ex);
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

    /**
     * {"threshold": 0.95, "keep": "largest" | "oldest" | "newest" | "most-exif"} -> {"groups": [{"images": [{"path",
     * "score", "row", "id"}], "keep": {...}}]}: what {@code altclip dedup} finds, for the page's duplicates view.
     */
    private int duplicates(HttpExchange ex) throws IOException, HttpError {
        Body b = body(ex);
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

    /** {"inputs": str | [str]} -> [{"input_ids", "pieces"}]. */
    private int tokenize(HttpExchange ex) throws IOException, HttpError {
        Body b = body(ex);
        List<String> texts = b.strings("inputs", server.config().maxItems(), true);
        if (texts.isEmpty()) throw HttpError.unprocessable("\"inputs\" must not be empty");
        XlmRobertaTokenizer tok = server.model().tokenizer();
        List<Messages.Tokenized> out = new ArrayList<>();
        for (String t : texts) {
            XlmRobertaTokenizer.Tokens tokens = tok.tokenize(t);
            out.add(new Messages.Tokenized(tokens.ids(), tokens.pieces()));
        }
        AltClipServer.sendJson(ex, 200, out);
        return 200;
    }

    private int thumbnail(HttpExchange ex, long id) throws IOException, HttpError {
        Thumbnails t = thumbnails();
        byte[] jpeg = t.jpeg(id);
        ex.getResponseHeaders().set("Cache-Control", "max-age=3600");
        AltClipServer.send(ex, 200, "image/jpeg", jpeg);
        return 200;
    }

    private int original(HttpExchange ex, long id) throws IOException, HttpError {
        Path file = thumbnails().file(id);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new HttpError(404, "not_found", "the image with id " + id + " cannot be read now");
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String type = name.endsWith(".png")
                ? "image/png"
                : name.endsWith(".gif") ? "image/gif" : name.endsWith(".bmp") ? "image/bmp" : "image/jpeg";
        AltClipServer.send(ex, 200, type, bytes);
        return 200;
    }

    private Thumbnails thumbnails() throws HttpError {
        Thumbnails t = server.model().thumbnails();
        if (t == null) throw new HttpError(404, "not_found", "this server has no index");
        return t;
    }

    private static long id(HttpExchange ex, String prefix) throws HttpError {
        String s = ex.getRequestURI().getPath().substring(prefix.length());
        if (!s.matches("\\d{1,18}")) throw new HttpError(404, "not_found", "images are named by their id in the index");
        return Long.parseLong(s);
    }

    private static List<byte[]> decodeAll(List<String> values, String field) throws HttpError {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) out.add(Body.image(values.get(i), field + "[" + i + "]"));
        return out;
    }
}
