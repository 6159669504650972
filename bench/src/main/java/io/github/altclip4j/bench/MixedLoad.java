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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Does a text query wait behind image batches? Against {@code altclip serve} on loopback: first one short text to
 * {@code POST /embed} every 0.5 s for SECONDS, alone; then the same while another client posts 8-image batches to
 * {@code POST /vectorize} back to back. Prints one JSON line: the text latencies alone and under the image load, and
 * their ratio.
 *
 * <pre>
 *   java -cp bench/target/benchmarks.jar io.github.altclip4j.bench.MixedLoad URL SECONDS IMAGE
 * </pre>
 */
public final class MixedLoad {
    private MixedLoad() {}

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public static void main(String[] args) throws Exception {
        String url = args[0];
        long seconds = Long.parseLong(args[1]);
        String image = Base64.getEncoder().encodeToString(Files.readAllBytes(Path.of(args[2])));
        List<Double> alone = texts(url, seconds);

        StringBuilder batch = new StringBuilder("{\"images\": [");
        for (int i = 0; i < 8; i++)
            batch.append(i == 0 ? "" : ", ").append('"').append(image).append('"');
        String imageBody = batch.append("]}").toString();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger batches = new AtomicInteger(), errors = new AtomicInteger();
        Thread images = new Thread(() -> {
            while (!stop.get()) {
                if (post(url + "/vectorize", imageBody) == 200) batches.incrementAndGet();
                else errors.incrementAndGet();
            }
        });
        images.start();
        Thread.sleep(2000); // the image client's first batch is under way
        List<Double> loaded = texts(url, seconds);
        stop.set(true);
        images.join();
        System.out.printf(
                Locale.ROOT,
                "{\"text_alone_p50_ms\": %.1f, \"text_alone_max_ms\": %.1f, \"text_under_images_p50_ms\": %.1f,"
                        + " \"text_under_images_max_ms\": %.1f, \"p50_ratio\": %.2f, \"image_batches\": %d,"
                        + " \"errors\": %d}%n",
                median(alone),
                Collections.max(alone),
                median(loaded),
                Collections.max(loaded),
                median(loaded) / median(alone),
                batches.get(),
                errors.get());
    }

    /** One text every 0.5 s for {@code seconds}: the latencies in milliseconds. */
    private static List<Double> texts(String url, long seconds) throws InterruptedException {
        List<Double> latencies = new ArrayList<>();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        for (int i = 0; System.nanoTime() < end; i++) {
            long s = System.nanoTime();
            int status = post(url + "/embed", "{\"inputs\": \"photo number " + i + " of a cat on a red sofa\"}");
            double ms = (System.nanoTime() - s) / 1e6;
            if (status == 200) latencies.add(ms);
            Thread.sleep(Math.max(0, 500 - (long) ms));
        }
        return latencies;
    }

    private static int post(String url, String body) {
        HttpRequest r = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(120))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            return HTTP.send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() / 2);
    }
}
