package io.github.altclip4j.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.altclip4j.AltClip;
import io.github.altclip4j.bench.Burst;
import io.github.altclip4j.server.AltClipServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Clients that hold connections without finishing a request: a thousand idle connections, and one that stops half-way
 * through its body. Everyone else is served meanwhile, and the server cuts the stalled request off (after the JDK
 * server's request time, 30 s) instead of waiting for ever.
 */
class SlowClientsTest {
    private static AltClip clip;
    private static AltClipServer server;

    @BeforeAll
    static void start() throws IOException {
        clip = AltClip.load(
                Reference.fixtures().resolve("tiny-altclip"),
                AltClip.Options.defaults().withThreads(2));
        server = AltClipServer.start(AltClipServer.Config.defaults().withPort(0));
        server.serve(clip, null);
    }

    @AfterAll
    static void stop() {
        server.close();
        clip.close();
    }

    private static InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", server.port());
    }

    private static final String TEXT = "{\"inputs\": \"a cat\"}";

    @Test
    void aThousandIdleConnectionsDoNotKeepOthersFromBeingServed() throws Exception {
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 1000; i++) {
                Socket s = new Socket();
                s.connect(address(), 5000);
                idle.add(s);
            }
            assertThat(Burst.fire(address(), "/embed", TEXT, 20, 10_000)).isEqualTo(Map.of("200", 20));
        } finally {
            for (Socket s : idle) s.close();
        }
        assertThat(Burst.exchange(address(), "/embed", TEXT, 10_000)).isEqualTo("200");
    }

    @Test
    void aClientThatStopsHalfWayThroughItsBodyIsCutOffWhileOthersAreServed() throws Exception {
        try (Socket slow = new Socket()) {
            slow.connect(address(), 5000);
            OutputStream out = slow.getOutputStream();
            out.write(
                    ("POST /embed HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
                                    + "{\"inputs\": \"a")
                            .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(Burst.fire(address(), "/embed", TEXT, 10, 10_000)).isEqualTo(Map.of("200", 10));
            // The server gives up on the rest of the body: the connection ends (answered or closed) within its
            // request time, not never.
            slow.setSoTimeout(60_000);
            long t0 = System.nanoTime();
            InputStream in = slow.getInputStream();
            try {
                while (in.read() >= 0) {
                    // whatever the server says before closing
                }
            } catch (SocketException reset) {
                // closed with the request unread: the client sees a reset, which is what a stalled client earns
            }
            assertThat((System.nanoTime() - t0) / 1e9).isLessThan(45);
        }
        assertThat(Burst.exchange(address(), "/embed", TEXT, 10_000)).isEqualTo("200");
    }
}
