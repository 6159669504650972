package io.github.altclip4j.server;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.List;

/**
 * Weaviate's multi2vec-clip module: {@code /vectorize}, {@code /meta}, and the {@code /.well-known/live} and
 * {@code /ready} probes (which orchestrators call too).
 */
final class WeaviateApi {
    private final AltClipServer server;

    WeaviateApi(AltClipServer server) {
        this.server = server;
    }

    /** This protocol's routes, for {@link Endpoints}. */
    List<Endpoints.Route> routes() {
        return List.of(
                new Endpoints.Route("POST", "/vectorize", false, this::weaviate),
                new Endpoints.Route("GET", "/meta", false, this::meta),
                new Endpoints.Route("GET", "/.well-known/live", true, this::live),
                new Endpoints.Route("GET", "/.well-known/ready", true, this::ready));
    }

    /** Weaviate multi2vec-clip: {"texts": [...], "images": [base64...]} -> {"textVectors", "imageVectors"}. */
    private int weaviate(HttpExchange ex) throws IOException, HttpError {
        Requests.Vectorize r = Body.read(server, ex, Requests.Vectorize.class);
        List<String> texts = Body.items(r.texts(), "texts", server.config().maxItems(), false),
                images = Body.items(r.images(), "images", server.config().maxItems(), false);
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
                images.isEmpty() ? List.of() : server.embedImages(Body.images(images, "images"), "images", true);
        AltClipServer.sendJson(ex, 200, new Messages.WeaviateVectors(tv, iv));
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

    private int live(HttpExchange ex) throws IOException {
        AltClipServer.send(ex, 204, "text/plain", new byte[0]);
        return 204;
    }

    private int ready(HttpExchange ex) throws IOException, HttpError {
        if (!server.ready()) throw new HttpError(503, "loading", "not ready: the model is still loading");
        AltClipServer.send(ex, 204, "text/plain", new byte[0]);
        return 204;
    }
}
