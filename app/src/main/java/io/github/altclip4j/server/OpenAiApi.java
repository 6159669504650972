package io.github.altclip4j.server;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** OpenAI's {@code /v1/embeddings}, for texts and (with {@code "modality": "image"}) images. */
final class OpenAiApi {
    private final AltClipServer server;
    /** The model name every OpenAI request may give, whatever the served folder is called. */
    static final String MODEL_ALIAS = "altclip";

    OpenAiApi(AltClipServer server) {
        this.server = server;
    }

    /** This protocol's routes, for {@link Endpoints}. */
    List<Endpoints.Route> routes() {
        return List.of(new Endpoints.Route("POST", "/v1/embeddings", false, this::openAi));
    }

    /**
     * OpenAI: {"input": str | [str], "encoding_format": "float"|"base64", "modality": "text"|"image", "model",
     * "dimensions", "user"}. As OpenAI does: an empty input is a 400, a model other than the served one (or its alias
     * "altclip") a 404 {@code model_not_found}, and {@code dimensions} other than the model's a 400 (it cannot be
     * shortened); {@code user} is accepted and ignored.
     */
    private int openAi(HttpExchange ex) throws IOException, HttpError {
        Requests.OpenAiEmbeddings r = Body.read(server, ex, Requests.OpenAiEmbeddings.class);
        List<String> input = Body.items(r.input(), "input", server.config().maxItems(), true);
        if (input.isEmpty()) throw HttpError.invalid("\"input\" must not be empty");
        String served = server.model().towers().folder().name(), model = r.model();
        if (model != null && !model.equals(served) && !model.equals(MODEL_ALIAS)) {
            throw new HttpError(
                    404,
                    "model_not_found",
                    "the model \"" + model + "\" is not served here; this server serves \"" + served + "\" (or \""
                            + MODEL_ALIAS + "\")");
        }
        int dimension = server.model().towers().folder().dimension();
        if (r.dimensions() != null && r.dimensions() != dimension) {
            throw HttpError.invalid("\"dimensions\" " + r.dimensions()
                    + " is not supported: this model's embeddings have " + dimension + " dimensions");
        }
        String format = r.encodingFormat() == null ? "float" : r.encodingFormat(),
                modality = r.modality() == null ? "text" : r.modality();
        if (!format.equals("float") && !format.equals("base64"))
            throw HttpError.unprocessable("\"encoding_format\" must be float or base64");
        List<float[]> vectors;
        int tokens = 0;
        if (modality.equals("image")) {
            vectors = server.embedImages(Body.images(input, "input"), "input", true);
        } else if (modality.equals("text")) {
            vectors = server.embedTexts(input, true);
            for (String t : input) tokens += server.model().tokenCount(t);
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
}
