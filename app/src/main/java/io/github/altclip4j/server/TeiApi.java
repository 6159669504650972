package io.github.altclip4j.server;

import com.sun.net.httpserver.HttpExchange;
import io.github.altclip4j.tokenizer.XlmRobertaTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Hugging Face text-embeddings-inference's endpoints: {@code /embed}, {@code /tokenize}, {@code /health},
 * {@code /info}, {@code /metrics} (what TEI clients and dashboards call).
 */
final class TeiApi {
    private final AltClipServer server;

    TeiApi(AltClipServer server) {
        this.server = server;
    }

    /** This protocol's routes, for {@link Endpoints}. */
    List<Endpoints.Route> routes() {
        return List.of(
                new Endpoints.Route("POST", "/embed", false, this::tei),
                new Endpoints.Route("POST", "/tokenize", false, this::tokenize),
                new Endpoints.Route("GET", "/health", true, this::health),
                new Endpoints.Route("GET", "/info", false, this::info),
                new Endpoints.Route("GET", "/metrics", false, this::metrics));
    }

    /** TEI: {"inputs": str | [str], "normalize": true} -> [[...]]. */
    private int tei(HttpExchange ex) throws IOException, HttpError {
        Requests.Embed r = Body.read(server, ex, Requests.Embed.class);
        List<String> inputs = Body.items(r.inputs(), "inputs", server.config().maxItems(), true);
        if (inputs.isEmpty()) throw HttpError.unprocessable("\"inputs\" must not be empty");
        List<float[]> vectors = server.embedTexts(inputs, r.normalize() == null || r.normalize());
        AltClipServer.sendJson(ex, 200, vectors);
        return 200;
    }

    /** {"inputs": str | [str]} -> [{"input_ids", "pieces"}]. */
    private int tokenize(HttpExchange ex) throws IOException, HttpError {
        Requests.Tokenize r = Body.read(server, ex, Requests.Tokenize.class);
        List<String> texts = Body.items(r.inputs(), "inputs", server.config().maxItems(), true);
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
}
