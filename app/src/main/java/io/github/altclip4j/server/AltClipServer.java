package io.github.altclip4j.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.altclip4j.AltClip;
import io.github.altclip4j.Version;
import io.github.altclip4j.formats.JsonWriter;
import io.github.altclip4j.formats.Spelling;
import io.github.altclip4j.index.ImageIndex;
import io.github.altclip4j.model.ModelFolder;
import io.github.altclip4j.model.Towers;
import io.github.altclip4j.tokenizer.XlmRobertaTokenizer;
import io.github.altclip4j.weights.WeightFormat;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * An HTTP server for embeddings, classification and search, on the JDK's {@code com.sun.net.httpserver} (no framework,
 * the same single JAR). It speaks three protocols that clients already use: OpenAI's {@code /v1/embeddings} (texts, and
 * images with {@code "modality": "image"}), Hugging Face text-embeddings-inference ({@code /embed}, {@code /health},
 * {@code /info}, {@code /metrics}, {@code /tokenize}) and Weaviate's multi2vec-clip module ({@code /vectorize},
 * {@code /meta}, {@code /.well-known/live|ready}), plus {@code /classify}, {@code /search} and a search page at
 * {@code /} when an index is loaded. docs/server.md documents every endpoint.
 *
 * <p>Concurrent requests' items are batched per tower ({@link Batcher}); a full queue answers 429 at once, a too large
 * body 413, malformed input 400/422 naming the field and item, a missing or wrong API key 401. {@link #close} stops
 * accepting connections, lets the requests in flight finish (up to the drain time), then stops the towers' workers.
 */
public final class AltClipServer implements AutoCloseable {
    /** Listening address, batching, limits, optional API key, drain time. */
    public record Config(
            String host,
            int port,
            int maxBatch,
            long batchWaitMillis,
            int queueCapacity,
            long maxRequestBytes,
            int maxItems,
            String apiKey,
            Duration drain) {
        /** Loopback, port 8080, batches of 8 after at most 5 ms, a queue of 256 items, 32 MB and 64 items per request. */
        public static Config defaults() {
            return new Config(
                    "127.0.0.1", 8080, AltClip.IMAGE_BATCH, 5, 256, 32L << 20, 64, null, Duration.ofSeconds(30));
        }

        public Config withPort(int p) {
            return with(d -> d.port = p);
        }

        public Config withHost(String h) {
            return with(d -> d.host = h);
        }

        public Config withApiKey(String key) {
            return with(d -> d.apiKey = key);
        }

        public Config withBatching(int batch, long waitMillis, int capacity) {
            return with(d -> {
                d.maxBatch = batch;
                d.batchWaitMillis = waitMillis;
                d.queueCapacity = capacity;
            });
        }

        public Config withLimits(long requestBytes, int items) {
            return with(d -> {
                d.maxRequestBytes = requestBytes;
                d.maxItems = items;
            });
        }

        /** A copy with {@code change} made to its fields: the with* methods' one list of them. */
        private Config with(Consumer<Draft> change) {
            Draft d = new Draft();
            d.host = host;
            d.port = port;
            d.maxBatch = maxBatch;
            d.batchWaitMillis = batchWaitMillis;
            d.queueCapacity = queueCapacity;
            d.maxRequestBytes = maxRequestBytes;
            d.maxItems = maxItems;
            d.apiKey = apiKey;
            d.drain = drain;
            change.accept(d);
            return new Config(
                    d.host,
                    d.port,
                    d.maxBatch,
                    d.batchWaitMillis,
                    d.queueCapacity,
                    d.maxRequestBytes,
                    d.maxItems,
                    d.apiKey,
                    d.drain);
        }

        /** The fields of a Config being changed. */
        private static final class Draft {
            String host, apiKey;
            int port, maxBatch, queueCapacity, maxItems;
            long batchWaitMillis, maxRequestBytes;
            Duration drain;
        }
    }

    private static final long RESULT_TIMEOUT_SECONDS = 300;
    /** The wait the batchers admit work for: well inside the result timeout, so admitted work is answered 200. */
    private static final long ADMITTED_WAIT_SECONDS = 200;

    static {
        // Read by the JDK's server when it is first used. Without TCP_NODELAY a response written as headers, then body,
        // waits for the client's delayed ACK: one text took 112 ms instead of 68 ms (bench/serve.sh, full-size model).
        if (System.getProperty("sun.net.httpserver.nodelay") == null)
            System.setProperty("sun.net.httpserver.nodelay", "true");
        // Slow clients cannot hold a connection open for ever.
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null)
            System.setProperty("sun.net.httpserver.maxReqTime", "30");
        // Longer than a request may wait for the towers, so that a long queue ends in our 503, never in the JDK server
        // closing the connection under the client.
        if (System.getProperty("sun.net.httpserver.maxRspTime") == null)
            System.setProperty("sun.net.httpserver.maxRspTime", String.valueOf(RESULT_TIMEOUT_SECONDS + 60));
    }

    /**
     * Connections the kernel queues before they are accepted: a burst of hundreds of clients connecting at once is
     * accepted, not dropped (the kernel caps it at net.core.somaxconn).
     */
    private static final int BACKLOG = 1024;
    /** Images decoded at once, whatever the number of requests: decoding is CPU and memory the towers need too. */
    private static final int DECODERS = Math.max(2, Runtime.getRuntime().availableProcessors());

    private final Config config;
    private final HttpServer http;
    private final ExecutorService executor;
    private final Metrics metrics = new Metrics();
    private volatile Model model; // null until loaded and warmed
    private volatile String loadError;
    private volatile boolean stopping;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Semaphore decoders = new Semaphore(DECODERS);
    private volatile long indexCheckedAt = System.nanoTime();
    private static final long INDEX_CHECK_NANOS = 1_000_000_000L;

    /** What is served once ready: the towers, their batchers, the tokenizer, the optional index and its thumbnails. */
    record Model(
            ServedTowers towers,
            XlmRobertaTokenizer tokenizer,
            ImageIndex index,
            Batcher<String, float[]> texts,
            Batcher<AltClip.PreparedImage, float[]> images,
            Thumbnails thumbnails) {
        /** The tokens a text becomes, {@code <s>} and {@code </s>} included (as {@link AltClip#tokenCount} counts). */
        int tokenCount(String text) {
            return tokenizer.tokenize(text).ids().length;
        }
    }

    /** Loads one tower of the model for {@link #serveLazily} (the command line prints its "loaded" line). */
    @FunctionalInterface
    public interface TowerLoader {
        AltClip load(Towers which) throws IOException;
    }

    private AltClipServer(Config config) throws IOException {
        this.config = config;
        this.http = HttpServer.create(new InetSocketAddress(config.host(), config.port()), BACKLOG);
        this.executor = handlerThreads();
        http.setExecutor(executor);
        Endpoints e = new Endpoints(this);
        // One context per route of the table (per-row routes are prefixes); "/" also catches unknown paths (404).
        for (Endpoints.Route r : e.routes) http.createContext(r.path(), e::handle);
        metrics.gauge(
                "altclip_text_queue_depth",
                () -> model == null ? 0 : model.texts().depth());
        metrics.gauge(
                "altclip_image_queue_depth",
                () -> model == null ? 0 : model.images().depth());
        http.start();
    }

    /**
     * Starts listening (port 0: any free port, see {@link #port}); model endpoints answer 503 until {@link #serve}.
     * {@code /.well-known/live} answers at once, {@code /.well-known/ready} once the model is served.
     */
    public static AltClipServer start(Config config) throws IOException {
        return new AltClipServer(config);
    }

    /**
     * Serves {@code clip} (and {@code index}, which may be null), after one warm-up request through each tower; their
     * times are the batchers' first estimate of the seconds an item takes, so that a burst arriving at once is admitted
     * only as far as it can be answered in time.
     */
    public void serve(AltClip clip, ImageIndex index) throws IOException {
        if (index != null) index.requireModel(clip.modelFolder());
        // a tower not loaded has no warm-up and no traffic: its requests are refused before they queue
        double textSeconds = clip.towers().text() ? ServedTowers.warmUp(clip, Towers.TEXT) : 0;
        double imageSeconds = clip.towers().image() ? ServedTowers.warmUp(clip, Towers.IMAGE) : 0;
        serve(ServedTowers.loaded(clip), clip.tokenizer(), index, textSeconds, imageSeconds);
    }

    /**
     * Serves {@code towers}, each loaded by {@code loader} now ({@code loadNow}) or when a request first needs it
     * (that request waits for the load) and, unless {@code idleUnload} is zero, dropped after that long without a
     * request, to be loaded again by the next one.
     */
    public void serveLazily(
            ModelFolder folder,
            WeightFormat weights,
            Towers towers,
            TowerLoader loader,
            Duration idleUnload,
            ImageIndex index,
            boolean loadNow)
            throws IOException {
        if (index != null) index.requireModel(folder);
        ServedTowers served = ServedTowers.lazy(folder, weights, towers, loader, idleUnload);
        if (loadNow) {
            for (Towers one : List.of(Towers.TEXT, Towers.IMAGE))
                if (one == towers || towers == Towers.BOTH) served.lease(one).close();
        }
        // before a tower's first load, a guess; its warm-up replaces it
        serve(
                served,
                folder.tokenizer(),
                index,
                served.warmUpSeconds(Towers.TEXT, 0.05),
                served.warmUpSeconds(Towers.IMAGE, 0.5));
    }

    private void serve(
            ServedTowers towers,
            XlmRobertaTokenizer tokenizer,
            ImageIndex index,
            double textSeconds,
            double imageSeconds) {
        Batcher<String, float[]> texts = new Batcher<>(
                "text",
                AltClip.TEXT_BATCH,
                config.batchWaitMillis(),
                config.queueCapacity(),
                ADMITTED_WAIT_SECONDS,
                textSeconds,
                items -> towers.leased(Towers.TEXT).textFeatures(items),
                metrics.textBatches);
        Batcher<AltClip.PreparedImage, float[]> images = new Batcher<>(
                "image",
                config.maxBatch(),
                config.batchWaitMillis(),
                config.queueCapacity(),
                ADMITTED_WAIT_SECONDS,
                imageSeconds,
                items -> towers.leased(Towers.IMAGE).imageFeatures(items),
                metrics.imageBatches);
        towers.onWarmUp((tower, seconds) -> (tower == Towers.TEXT ? texts : images).estimate(seconds));
        model = new Model(towers, tokenizer, index, texts, images, index == null ? null : new Thumbnails(index));
    }

    /** Records that loading failed: {@code /health} answers 503 with the reason. */
    public void failed(String error) {
        loadError = error;
    }

    public int port() {
        return http.getAddress().getPort();
    }

    Config config() {
        return config;
    }

    Metrics metrics() {
        return metrics;
    }

    /**
     * The served model, or a 503 saying why there is none. Its index is reopened when another process has committed to
     * it (an {@code altclip index} run beside the server), checked at most once a second, so searches see new photos
     * without a restart; a search in flight keeps the commit it started with.
     */
    Model model() throws HttpError {
        Model m = model;
        if (m == null) {
            throw new HttpError(
                    503,
                    loadError == null ? "loading" : "unhealthy",
                    loadError == null ? "the model is still loading" : loadError);
        }
        if (m.index() != null && System.nanoTime() - indexCheckedAt > INDEX_CHECK_NANOS) m = refreshIndex(m);
        return m;
    }

    private synchronized Model refreshIndex(Model m) {
        indexCheckedAt = System.nanoTime();
        if (model != m) return model; // another request refreshed it
        try {
            if (!m.index().changedOnDisk()) return m;
            ImageIndex fresh = ImageIndex.open(m.index().dir());
            fresh.requireModel(m.towers().folder());
            model = new Model(
                    m.towers(), m.tokenizer(), fresh, m.texts(), m.images(), new Thumbnails(fresh, m.thumbnails()));
        } catch (IOException e) {
            // the new commit cannot be read now (being replaced again, or damaged): serve the one already loaded
        }
        return model;
    }

    boolean ready() {
        return model != null;
    }

    String loadError() {
        return loadError;
    }

    /** The unit-length embeddings of texts (through the text tower's batcher). */
    List<float[]> embedTexts(List<String> texts, boolean normalize) throws HttpError, IOException {
        Model m = model();
        requireTower(m, "text", m.towers().served().text());
        try (ServedTowers.Lease text = m.towers().lease(Towers.TEXT)) {
            List<float[]> out = await(m.texts().submit(texts));
            for (String t : texts) metrics.tokens.add(m.tokenCount(t));
            return normalize ? unit(out) : out;
        }
    }

    /**
     * The same for images given as bytes; {@code where} names the field for errors ("images", "input"). Room in the
     * image queue is taken before anything is decoded (a full queue answers 429 at once), and at most
     * {@link #DECODERS} images decode at a time.
     */
    List<float[]> embedImages(List<byte[]> images, String where, boolean normalize) throws HttpError, IOException {
        Model m = model();
        requireTower(m, "image", m.towers().served().image());
        m.images().reserve(images.size());
        ServedTowers.Lease image;
        try {
            image = m.towers().lease(Towers.IMAGE); // may load the tower first (serve --lazy)
        } catch (IOException | RuntimeException e) {
            m.images().release(images.size());
            throw e;
        }
        List<AltClip.PreparedImage> prepared = new ArrayList<>();
        try (image) {
            try {
                for (int i = 0; i < images.size(); i++)
                    prepared.add(decode(image.clip(), images.get(i), where + "[" + i + "]"));
            } catch (HttpError | RuntimeException e) {
                m.images().release(images.size());
                throw e;
            }
            List<float[]> out = await(m.images().submitReserved(prepared));
            metrics.images.add(images.size());
            return normalize ? unit(out) : out;
        }
    }

    /** A request for a tower {@code serve --towers} did not load: a 400 that says so, before anything queues. */
    private static void requireTower(Model m, String which, boolean served) throws HttpError {
        if (!served)
            throw new HttpError(
                    400,
                    "tower_not_loaded",
                    "this server loaded the " + Spelling.of(m.towers().served()) + " tower only, not the " + which
                            + " tower (serve --towers " + which + " or both)");
    }

    private AltClip.PreparedImage decode(AltClip clip, byte[] image, String name) throws HttpError {
        try {
            decoders.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HttpError(503, "unavailable", "interrupted");
        }
        try {
            return clip.prepare(new ByteArrayInputStream(image), name);
        } catch (IOException e) {
            throw HttpError.unprocessable(e.getMessage());
        } finally {
            decoders.release();
        }
    }

    private static List<float[]> unit(List<float[]> features) {
        List<float[]> out = new ArrayList<>();
        for (float[] f : features) out.add(AltClip.unit(f));
        return out;
    }

    private static List<float[]> await(List<CompletableFuture<float[]>> futures) throws HttpError {
        List<float[]> out = new ArrayList<>();
        try {
            for (CompletableFuture<float[]> f : futures) out.add(f.get(RESULT_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        } catch (ExecutionException e) {
            throw new HttpError(
                    500, "backend", "the model failed: " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new HttpError(503, "timeout", "no result within " + RESULT_TIMEOUT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HttpError(503, "unavailable", "interrupted");
        }
        return out;
    }

    /** Whether the request carries the API key (always true without one). Compared in constant time. */
    boolean authorized(HttpExchange ex) {
        if (config.apiKey() == null) return true;
        String h = ex.getRequestHeaders().getFirst("Authorization");
        String given = h != null && h.startsWith("Bearer ") ? h.substring(7).strip() : "";
        return MessageDigest.isEqual(
                given.getBytes(StandardCharsets.UTF_8), config.apiKey().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The request body, refused with 413 beyond the configured size (checked while reading, not trusted from headers).
     * A body somewhat over the limit is read to its end first: closing the connection with the request unread would
     * reset it before the client has read the 413; one more than four times the limit is not read at all.
     */
    byte[] body(HttpExchange ex) throws IOException, HttpError {
        long max = config.maxRequestBytes();
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        try (InputStream in = ex.getRequestBody()) {
            if (length != null) {
                long declared;
                try {
                    declared = Long.parseLong(length.strip());
                } catch (NumberFormatException e) {
                    throw HttpError.invalid("bad Content-Length");
                }
                if (declared > max) {
                    if (declared <= 4 * max) drain(in, declared);
                    throw tooLarge();
                }
            }
            byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
            if (b.length > max) {
                drain(in, 3 * max);
                throw tooLarge();
            }
            return b;
        }
    }

    /**
     * Reads what is left of the request body (up to four times the size limit) before an error is answered: a
     * connection closed with request bytes unread is reset by the kernel, and the client may lose the response with
     * it (a burst saw "connection reset" instead of 429s).
     */
    void discardBody(HttpExchange ex) {
        try (InputStream in = ex.getRequestBody()) {
            drain(in, 4 * config.maxRequestBytes());
        } catch (IOException e) {
            // the client went away: nothing to answer
        }
    }

    /** Reads and discards up to {@code limit} bytes (or to the end). */
    private static void drain(InputStream in, long limit) throws IOException {
        byte[] buf = new byte[1 << 16];
        for (long left = limit; left > 0; ) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) return;
            left -= n;
        }
    }

    private HttpError tooLarge() {
        return new HttpError(
                413, "payload_too_large", "the request body exceeds " + config.maxRequestBytes() + " bytes");
    }

    /** Writes a response and closes the exchange. */
    static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        if (ex.getRequestMethod().equals("HEAD") || status == 204) {
            ex.sendResponseHeaders(status, -1);
        } else {
            ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
        ex.close();
    }

    /** {@code message} (a record of {@link Messages}, or a list of them) as JSON. */
    static void sendJson(HttpExchange ex, int status, Object message) throws IOException {
        send(
                ex,
                status,
                "application/json",
                new JsonWriter().any(message).toString().getBytes(StandardCharsets.UTF_8));
    }

    static void sendError(HttpExchange ex, HttpError e) throws IOException {
        if (e.status == 429 || e.status == 503)
            ex.getResponseHeaders().set("Retry-After", e.type.equals("loading") ? "5" : "1");
        sendJson(ex, e.status, new Messages.Error(e.getMessage(), e.type));
    }

    /** A float vector as base64 of little-endian float32 (OpenAI's {@code encoding_format: base64}). */
    static String base64(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return Base64.getEncoder().encodeToString(b.array());
    }

    /** Version and limits for {@code /info}. */
    Messages.Info info() {
        Model m;
        try {
            m = model();
        } catch (HttpError notYet) {
            m = null;
        }
        ImageIndex index = m == null ? null : m.index();
        return new Messages.Info(
                m == null ? null : m.towers().folder().name(),
                m == null ? null : Spelling.of(m.towers().weights()),
                m == null ? null : Spelling.of(m.towers().served()),
                m == null ? null : m.towers().inMemory(),
                m == null ? null : m.towers().folder().dimension(),
                m == null ? null : m.tokenizer().maxLength(),
                config.maxItems(),
                config.maxItems(),
                config.maxBatch(),
                config.maxRequestBytes(),
                config.queueCapacity(),
                index == null ? null : index.dir().toString(),
                index == null ? null : index.size(),
                Version.get(),
                m != null);
    }

    /** Counts a request in, or refuses it (503) once the server is stopping. */
    void enter() throws HttpError {
        inFlight.incrementAndGet();
        if (stopping) {
            inFlight.decrementAndGet();
            throw new HttpError(503, "unavailable", "the server is shutting down");
        }
    }

    void leave() {
        inFlight.decrementAndGet();
    }

    /**
     * Refuses new requests (503), waits for the ones in flight to be answered (up to the drain time), then closes the
     * listener and the connections and stops the workers. (The JDK server's own {@code stop(delay)} waits out the
     * whole delay while idle keep-alive connections are open.)
     */
    @Override
    public void close() {
        stopping = true;
        long deadline = System.nanoTime() + config.drain().toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        http.stop(0);
        Model m = model;
        if (m != null) {
            m.towers().close();
            try {
                m.texts().close();
                m.images().close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        executor.shutdown();
    }

    /**
     * A thread for every request at once, so that each one is read and answered (at worst with 429) instead of waiting
     * unread until the JDK server's request timer resets its connection: virtual threads where the JDK has them (21 and
     * later), else platform threads created on demand (up to {@link #MAX_HANDLER_THREADS}, idle ones end after 30 s).
     * The towers' queues, not the handler threads, bound the work.
     */
    private static ExecutorService handlerThreads() {
        try {
            return (ExecutorService)
                    Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        } catch (ReflectiveOperationException e) {
            ThreadPoolExecutor pool = new ThreadPoolExecutor(
                    0, MAX_HANDLER_THREADS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
                        Thread t = new Thread(r, "altclip4j-http");
                        t.setDaemon(true);
                        return t;
                    });
            // Beyond that many at once, the JDK server's dispatcher runs the handler itself (slower, still answered).
            pool.setRejectedExecutionHandler(new ThreadPoolExecutor.CallerRunsPolicy());
            return pool;
        }
    }

    private static final int MAX_HANDLER_THREADS = 4096;
}
