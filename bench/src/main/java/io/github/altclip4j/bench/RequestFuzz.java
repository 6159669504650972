package io.github.altclip4j.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Mixed valid and malformed requests against {@code altclip serve}, from a seed: valid texts and images, fuzzed JSON
 * (bytes flipped, cut short), wrong types, huge and empty arrays, bad base64, unknown fields and paths, and bodies
 * that stop before their {@code Content-Length} (the client closes: nothing to answer). Every request that is sent
 * whole must be answered 2xx or 4xx with a JSON body; outcomes are counted as {@link Burst#exchange} names them.
 *
 * <pre>
 *   java -cp bench/target/benchmarks.jar io.github.altclip4j.bench.RequestFuzz HOST:PORT REQUESTS CLIENTS IMAGE [SEED]
 * </pre>
 */
public final class RequestFuzz {
    private RequestFuzz() {}

    /** Sends {@code requests} fuzzed requests from {@code clients} threads; counts each outcome. */
    public static Map<String, Integer> run(InetSocketAddress server, int requests, int clients, byte[] image, long seed)
            throws Exception {
        String b64 = Base64.getEncoder().encodeToString(image);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            SplittableRandom r = new SplittableRandom(seed * 1_000_003L + i);
            results.add(pool.submit(() -> one(server, r, b64)));
        }
        Map<String, Integer> counts = new TreeMap<>();
        for (Future<String> f : results) counts.merge(f.get(), 1, Integer::sum);
        pool.shutdownNow();
        return counts;
    }

    /**
     * How long a client waits for an answer: past the server's own 300 s result timeout, since a request admitted
     * behind others may wait up to 200 s at full size (a 60 s client gave up on 15 of the first 1,000).
     */
    private static final int ANSWER_WITHIN_MILLIS = 330_000;

    private static final String[] PATHS = {"/embed", "/v1/embeddings", "/vectorize", "/tokenize", "/classify"};

    private static String one(InetSocketAddress server, SplittableRandom r, String image) {
        String path = PATHS[r.nextInt(PATHS.length)];
        String body;
        switch (r.nextInt(12)) {
            case 0 -> body = "{\"inputs\": \"photo " + r.nextInt() + "\", \"input\": \"a cat\", \"texts\": [\"x\"]}";
            case 1 ->
                body = "{\"input\": [\"" + image + "\"], \"modality\": \"image\", \"images\": [\"" + image
                        + "\"], \"image\": \"" + image + "\", \"labels\": [\"a\", \"b\"]}";
            case 2 -> body = "{\"inputs\": " + r.nextInt() + ", \"input\": {\"a\": [1, 2]}, \"texts\": true}";
            case 3 -> body = "{\"inputs\": [], \"input\": [], \"texts\": [], \"images\": [], \"labels\": []}";
            case 4 -> body = "{\"inputs\": [" + "\"x\", ".repeat(200 + r.nextInt(2000)) + "\"y\"]}";
            case 5 ->
                body = "{\"images\": [\"!!not base64!!\"], \"input\": \"data:image/png;base64,@@@\","
                        + " \"modality\": \"image\", \"image\": \"http://example.com/a.jpg\", \"labels\": [\"a\"]}";
            case 6 ->
                body = "{\"input\": \"hi\", \"dimensions\": " + r.nextInt(4096) + ", \"model\": \"m" + r.nextInt(9)
                        + "\", \"encoding_format\": \"base" + r.nextInt(100) + "\"}";
            case 7 -> body = mutate(r, "{\"inputs\": [\"a cat\", \"一只猫\"], \"normalize\": false}");
            case 8 -> body = "[" + "[".repeat(r.nextInt(5000)) + "]";
            case 9 -> body = "{\"inputs\": \"" + "\\ud800".repeat(1 + r.nextInt(50)) + "\", \"k\": -1, \"row\": 1e99}";
            case 10 -> {
                return truncated(server, path, "{\"inputs\": \"" + "long text ".repeat(100) + "\"}", r);
            }
            default -> {
                path = "/" + Integer.toHexString(r.nextInt());
                body = "{}";
            }
        }
        return Burst.exchange(server, path, body, ANSWER_WITHIN_MILLIS);
    }

    /** The body with a few bytes changed, dropped or the end cut off. */
    private static String mutate(SplittableRandom r, String body) {
        StringBuilder b = new StringBuilder(body);
        for (int n = 1 + r.nextInt(4); n > 0 && b.length() > 1; n--) {
            int at = r.nextInt(b.length());
            switch (r.nextInt(3)) {
                case 0 -> b.setCharAt(at, (char) (32 + r.nextInt(95)));
                case 1 -> b.deleteCharAt(at);
                default -> b.setLength(at);
            }
        }
        return b.toString();
    }

    /** Sends headers promising more body than follows, then closes: a client that died mid-request. */
    private static String truncated(InetSocketAddress server, String path, String body, SplittableRandom r) {
        byte[] payload = body.getBytes(StandardCharsets.UTF_8);
        try (Socket s = new Socket()) {
            s.connect(server, 10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + payload.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(payload, 0, r.nextInt(payload.length));
            out.flush();
        } catch (IOException e) {
            return "truncated: " + e.getMessage();
        }
        return "truncated";
    }

    public static void main(String[] args) throws Exception {
        String[] hostPort = args[0].split(":");
        InetSocketAddress server = new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1]));
        int requests = Integer.parseInt(args[1]), clients = Integer.parseInt(args[2]);
        byte[] image = Files.readAllBytes(Path.of(args[3]));
        long seed = args.length > 4 ? Long.parseLong(args[4]) : 1;
        long t0 = System.nanoTime();
        Map<String, Integer> counts = run(server, requests, clients, image, seed);
        StringBuilder json = new StringBuilder("{\"requests\": " + requests + ", \"seconds\": ");
        json.append(String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e9));
        counts.forEach((k, v) -> json.append(", \"").append(k).append("\": ").append(v));
        System.out.println(json.append('}'));
    }
}
