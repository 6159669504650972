package io.github.altclip4j.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A load generator for {@code altclip serve} on loopback: C clients each sending requests back to back, until N
 * requests are done or T seconds have passed (it stops by itself), then requests per second and latency percentiles.
 *
 * <pre>
 *   java -cp bench/target/benchmarks.jar io.github.altclip4j.bench.ServerLoad URL text|image CLIENTS REQUESTS SECONDS [IMAGE]
 * </pre>
 * text: {@code POST /embed {"inputs": "<a 12-token sentence, varied per request>"}}; image: {@code POST /vectorize}
 * with the image file (base64). Prints one JSON line.
 */
public final class ServerLoad {
    private ServerLoad() {}

    public static void main(String[] args) throws Exception {
        String url = args[0], kind = args[1];
        int clients = Integer.parseInt(args[2]), requests = Integer.parseInt(args[3]);
        long seconds = Long.parseLong(args[4]);
        String image =
                kind.equals("image") ? Base64.getEncoder().encodeToString(Files.readAllBytes(Path.of(args[5]))) : null;
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        AtomicInteger next = new AtomicInteger(), errors = new AtomicInteger();
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds), t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            running.add(pool.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < requests && System.nanoTime() < deadline) {
                    String body = image == null
                            ? "{\"inputs\": \"photo number " + i + " of a cat sleeping on a red sofa\"}"
                            : "{\"images\": [\"" + image + "\"]}";
                    HttpRequest r = HttpRequest.newBuilder(URI.create(url + (image == null ? "/embed" : "/vectorize")))
                            .timeout(Duration.ofSeconds(120))
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build();
                    long s = System.nanoTime();
                    try {
                        if (http.send(r, HttpResponse.BodyHandlers.discarding()).statusCode() != 200)
                            errors.incrementAndGet();
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                    latencies.add((System.nanoTime() - s) / 1e6);
                }
                return null;
            }));
        }
        for (Future<?> f : running) f.get();
        pool.shutdown();
        double elapsed = (System.nanoTime() - t0) / 1e9;
        List<Double> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        System.out.printf(
                Locale.ROOT,
                "{\"kind\": \"%s\", \"clients\": %d, \"requests\": %d, \"errors\": %d, \"seconds\": %.2f, \"rps\": %.1f, "
                        + "\"p50_ms\": %.1f, \"p95_ms\": %.1f, \"p99_ms\": %.1f}%n",
                kind,
                clients,
                sorted.size(),
                errors.get(),
                elapsed,
                sorted.size() / elapsed,
                pct(sorted, 0.50),
                pct(sorted, 0.95),
                pct(sorted, 0.99));
    }

    private static double pct(List<Double> sorted, double p) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }
}
