package io.github.altclip4j.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A burst: N clients connect at the same moment, each on its own socket, and each sends one {@code POST} with a body;
 * then every answer is classified: its HTTP status with a JSON body, a status without one, or how the exchange failed
 * (a reset, a timeout, a closed connection). A server that answers everything it accepts shows only statuses.
 *
 * <pre>
 *   java -cp bench/target/benchmarks.jar io.github.altclip4j.bench.Burst HOST:PORT CLIENTS [IMAGE]
 * </pre>
 * With IMAGE: {@code POST /v1/embeddings} with four copies of it, {@code "modality": "image"}; without: a text.
 * Prints one JSON line of counts.
 */
public final class Burst {
    private Burst() {}

    /** How one exchange ended: {@code "200"}, {@code "429"}, ... (with a JSON body), or what went wrong. */
    public static String exchange(InetSocketAddress server, String path, String body, int timeoutMillis) {
        byte[] payload = body.getBytes(StandardCharsets.UTF_8);
        try (Socket s = new Socket()) {
            s.connect(server, timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            OutputStream out = s.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: " + server.getHostString() + "\r\n"
                            + "Content-Type: application/json\r\nConnection: close\r\nContent-Length: "
                            + payload.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(payload);
            out.flush();
            String response = new String(readAll(s.getInputStream()), StandardCharsets.UTF_8);
            if (response.isEmpty()) return "closed without an answer";
            String status = response.length() > 12 ? response.substring(9, 12) : "?";
            int split = response.indexOf("\r\n\r\n");
            String content = split < 0 ? "" : response.substring(split + 4).strip();
            boolean json = response.toLowerCase(Locale.ROOT).contains("content-type: application/json")
                    && (content.startsWith("{") && content.endsWith("}")
                            || content.startsWith("[") && content.endsWith("]")); // TEI answers arrays
            return json ? status : status + " without a JSON body";
        } catch (java.net.SocketTimeoutException e) {
            return "timeout";
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage());
            return m.contains("reset") ? "connection reset" : "failed: " + m;
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        in.transferTo(b);
        return b.toByteArray();
    }

    /** Fires {@code clients} exchanges at once and counts how they ended. */
    public static Map<String, Integer> fire(
            InetSocketAddress server, String path, String body, int clients, int timeoutMillis) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            results.add(pool.submit(() -> {
                go.await();
                return exchange(server, path, body, timeoutMillis);
            }));
        }
        go.countDown();
        Map<String, Integer> counts = new TreeMap<>();
        for (Future<String> r : results) counts.merge(r.get(), 1, Integer::sum);
        pool.shutdownNow();
        return counts;
    }

    public static void main(String[] args) throws Exception {
        String[] hostPort = args[0].split(":");
        InetSocketAddress server = new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1]));
        int clients = Integer.parseInt(args[1]);
        String body;
        if (args.length > 2) {
            String image = Base64.getEncoder().encodeToString(Files.readAllBytes(Path.of(args[2])));
            body = "{\"modality\": \"image\", \"input\": [\"" + image + "\", \"" + image + "\", \"" + image + "\", \""
                    + image + "\"]}";
        } else {
            body = "{\"input\": \"a photo of a cat on a red sofa\"}";
        }
        long t0 = System.nanoTime();
        Map<String, Integer> counts = fire(server, "/v1/embeddings", body, clients, 300_000);
        StringBuilder json = new StringBuilder("{\"clients\": " + clients + ", \"seconds\": ");
        json.append(String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e9));
        counts.forEach((k, v) -> json.append(", \"").append(k).append("\": ").append(v));
        System.out.println(json.append('}'));
    }
}
