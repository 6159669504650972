package io.github.altclip4j.server;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The server's counters in the Prometheus text format ({@code GET /metrics}): requests by endpoint and status, request
 * latency and batch-size histograms, queue depths, images and tokens embedded.
 */
final class Metrics {
    /** A Prometheus histogram with fixed upper bounds. */
    static final class Histogram {
        private final String name, help;
        private final double[] bounds;
        private final LongAdder[] counts;
        private final LongAdder total = new LongAdder();
        private final AtomicLong sumMicros = new AtomicLong();

        Histogram(String name, String help, double... bounds) {
            this.name = name;
            this.help = help;
            this.bounds = bounds;
            this.counts = new LongAdder[bounds.length];
            for (int i = 0; i < counts.length; i++) counts[i] = new LongAdder();
        }

        void observe(double value) {
            for (int i = 0; i < bounds.length; i++) if (value <= bounds[i]) counts[i].increment();
            total.increment();
            sumMicros.addAndGet(Math.round(value * 1e6));
        }

        void write(StringBuilder b) {
            b.append("# HELP ")
                    .append(name)
                    .append(' ')
                    .append(help)
                    .append('\n')
                    .append("# TYPE ")
                    .append(name)
                    .append(" histogram\n");
            for (int i = 0; i < bounds.length; i++) {
                b.append(name)
                        .append("_bucket{le=\"")
                        .append(format(bounds[i]))
                        .append("\"} ")
                        .append(counts[i].sum())
                        .append('\n');
            }
            b.append(name).append("_bucket{le=\"+Inf\"} ").append(total.sum()).append('\n');
            b.append(name).append("_sum ").append(format(sumMicros.get() / 1e6)).append('\n');
            b.append(name).append("_count ").append(total.sum()).append('\n');
        }
    }

    final Histogram latency = new Histogram(
            "altclip_request_duration_seconds",
            "Time from request to response.",
            0.005,
            0.01,
            0.025,
            0.05,
            0.1,
            0.25,
            0.5,
            1,
            2.5,
            5,
            10,
            30);
    final Histogram textBatches =
            new Histogram("altclip_text_batch_size", "Texts per text-tower forward pass.", 1, 2, 4, 8, 16, 32, 64);
    final Histogram imageBatches =
            new Histogram("altclip_image_batch_size", "Images per image-tower forward pass.", 1, 2, 4, 8, 16, 32);
    final LongAdder images = new LongAdder(), tokens = new LongAdder();
    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<String, LongSupplier> gauges = new TreeMap<>();

    void request(String endpoint, int status, double seconds) {
        requests.computeIfAbsent(endpoint + "\u0000" + status, k -> new LongAdder())
                .increment();
        latency.observe(seconds);
    }

    synchronized void gauge(String name, LongSupplier value) {
        gauges.put(name, value);
    }

    synchronized String render() {
        StringBuilder b = new StringBuilder();
        b.append(
                "# HELP altclip_requests_total Requests by endpoint and status.\n# TYPE altclip_requests_total counter\n");
        new TreeMap<>(requests).forEach((k, v) -> {
            String[] p = k.split("\u0000");
            b.append("altclip_requests_total{endpoint=\"")
                    .append(p[0])
                    .append("\",status=\"")
                    .append(p[1])
                    .append("\"} ")
                    .append(v.sum())
                    .append('\n');
        });
        latency.write(b);
        textBatches.write(b);
        imageBatches.write(b);
        b.append(
                        "# HELP altclip_images_embedded_total Images through the image tower.\n# TYPE altclip_images_embedded_total counter\n")
                .append("altclip_images_embedded_total ")
                .append(images.sum())
                .append('\n');
        b.append(
                        "# HELP altclip_tokens_embedded_total Tokens through the text tower.\n# TYPE altclip_tokens_embedded_total counter\n")
                .append("altclip_tokens_embedded_total ")
                .append(tokens.sum())
                .append('\n');
        gauges.forEach((name, v) -> b.append("# TYPE ")
                .append(name)
                .append(" gauge\n")
                .append(name)
                .append(' ')
                .append(v.getAsLong())
                .append('\n'));
        return b.toString();
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15
                ? Long.toString((long) v)
                : String.format(Locale.ROOT, "%.6g", v);
    }
}
