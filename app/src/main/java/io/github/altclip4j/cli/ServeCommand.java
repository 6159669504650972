package io.github.altclip4j.cli;

import io.github.altclip4j.index.ImageIndex;
import io.github.altclip4j.model.ModelFolder;
import io.github.altclip4j.model.Towers;
import io.github.altclip4j.server.AltClipServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * {@code altclip serve --model DIR [--index INDEX] [--towers both] [--lazy] [--idle-unload SECONDS] [--port 8080]
 * [--host 127.0.0.1] [--api-key-file F]}.
 */
final class ServeCommand implements Command {
    /** The server's defaults are the command line's: one owner for each. */
    private static final AltClipServer.Config DEFAULTS = AltClipServer.Config.defaults();

    @Override
    public String summary() {
        return "serve embeddings, classification and search over HTTP (OpenAI, TEI, Weaviate)";
    }

    @Override
    public String description() {
        return "Starts an HTTP server (docs/server.md): POST /v1/embeddings (OpenAI), /embed and /tokenize (TEI),\n"
                + "/vectorize and GET /meta (Weaviate multi2vec-clip), /classify, /search (with --index; the search page at /),\n"
                + "GET /health, /info, /metrics, /.well-known/live and /ready. Binds to loopback unless --host says otherwise.\n"
                + "SIGTERM (Ctrl-C) stops accepting connections and lets the requests in flight finish.";
    }

    @Override
    public OptionSpec options() {
        return ModelOptions.addTo(new OptionSpec())
                .value("--index", "INDEX", "an index to search (altclip index); enables /search and the page", null)
                .choice(
                        "--towers",
                        "WHICH",
                        "the towers to load (text: text embeddings and text search only, 2/3 of the memory)",
                        Towers.class,
                        Towers.BOTH)
                .flag("--lazy", "start at once and load each tower on its first request (that request waits for it)")
                .integer(
                        "--idle-unload",
                        "SECONDS",
                        "drop a tower unused for that long (its memory freed); the next request loads it again",
                        0,
                        0,
                        "never")
                .integer("--port", "N", "the TCP port (0: any free port, printed)", DEFAULTS.port(), 0)
                .value("--host", "ADDRESS", "the address to listen on (0.0.0.0: every interface)", DEFAULTS.host())
                .value("--api-key-file", "FILE", "require Authorization: Bearer <the file's first line>", null)
                .integer("--max-batch", "N", "images per image-tower forward pass", DEFAULTS.maxBatch(), 1)
                .integer(
                        "--batch-wait-ms",
                        "MS",
                        "how long a batch waits for more requests",
                        DEFAULTS.batchWaitMillis(),
                        0)
                .integer("--queue", "N", "items waiting at most; more get 429", DEFAULTS.queueCapacity(), 1)
                .integer(
                        "--max-request-mb",
                        "MB",
                        "the largest request body; larger get 413",
                        DEFAULTS.maxRequestBytes() >> 20,
                        1)
                .integer("--max-items", "N", "texts or images per request; more get 413", DEFAULTS.maxItems(), 1);
    }

    @Override
    public int run(ParsedArgs a, Console c) throws IOException {
        ModelFolder folder = ModelOptions.folder(a);
        String key = null;
        if (a.has("--api-key-file")) {
            Path f = InputFiles.requireFile(a.path("--api-key-file"), "API key file");
            key = Files.readAllLines(f, StandardCharsets.UTF_8).stream()
                    .findFirst()
                    .orElse("")
                    .strip();
            if (key.isEmpty()) throw new UsageException("the API key file " + f + " is empty");
        }
        Path indexDir = a.path("--index");
        if (indexDir != null && !ImageIndex.exists(indexDir))
            throw new NoSuchFileException(indexDir.toString(), null, "not an index (no index.json)");
        ImageIndex index = indexDir == null ? null : ImageIndex.open(indexDir);
        if (index != null) index.requireModel(folder); // before the weights are loaded
        AltClipServer.Config config = DEFAULTS.withHost(a.string("--host", DEFAULTS.host()))
                .withPort(a.integer("--port"))
                .withApiKey(key)
                .withBatching(a.integer("--max-batch"), a.integer("--batch-wait-ms"), a.integer("--queue"))
                .withLimits(a.longInteger("--max-request-mb") << 20, a.integer("--max-items"));
        AltClipServer server = AltClipServer.start(config);
        c.err().println("altclip: listening on http://" + config.host() + ":" + server.port() + " (loading the model)");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            c.err().println("altclip: stopping: finishing the requests in flight");
                            server.close();
                            stopped.countDown();
                        },
                        "altclip4j-shutdown"));
        Towers towers = a.choice("--towers", Towers.class);
        Duration idle = Duration.ofSeconds(a.integer("--idle-unload"));
        try {
            if (a.has("--lazy") || !idle.isZero()) {
                server.serveLazily(
                        folder,
                        ModelOptions.weights(a),
                        towers,
                        which -> ModelOptions.load(a, c, folder, which),
                        idle,
                        index,
                        !a.has("--lazy"));
            } else {
                server.serve(ModelOptions.load(a, c, folder, towers), index);
            }
        } catch (IOException | RuntimeException e) {
            server.failed(e.getMessage());
            throw e;
        }
        c.err()
                .println("altclip: ready on http://" + config.host() + ":" + server.port()
                        + (indexDir == null ? "" : " (search page at /)"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
