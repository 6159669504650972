package io.github.altclip4j.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.altclip4j.AltClip;
import io.github.altclip4j.formats.Json;
import io.github.altclip4j.formats.JsonWriter;
import io.github.altclip4j.index.ImageIndex;
import io.github.altclip4j.index.IndexProgress;
import io.github.altclip4j.index.UpdateOptions;
import io.github.altclip4j.server.AltClipServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The search page in a real browser: headless Chromium (Debian's {@code chromium}, which {@code .ci/run} installs),
 * driven through the DevTools protocol over a WebSocket: load {@code /}, type a query and submit, read the rendered
 * grid, then click "more like this". Skipped, saying so, where Chromium is not installed.
 */
class SearchPageBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @TempDir
    Path tmp;

    @Test
    void typingAQueryShowsTheIndexResultsAndMoreLikeThisWorks() throws Exception {
        assumeTrue(
                Files.isExecutable(CHROMIUM),
                "Chromium is not installed (apt-get install chromium): the browser test is skipped");
        try (AltClip clip = AltClip.load(
                Reference.fixtures().resolve("tiny-altclip"),
                AltClip.Options.defaults().withThreads(2))) {
            ImageIndex index = ImageIndex.create(
                    tmp.resolve("idx"),
                    Reference.fixtures().resolve("images/files"),
                    clip.modelFolder(),
                    ImageIndex.Store.F32);
            index.update(clip, UpdateOptions.defaults(), IndexProgress.NONE);
            try (AltClipServer server =
                    AltClipServer.start(AltClipServer.Config.defaults().withPort(0))) {
                server.serve(clip, index);
                Process browser = new ProcessBuilder(
                                CHROMIUM.toString(),
                                "--headless",
                                "--no-sandbox",
                                "--disable-gpu",
                                "--disable-quic",
                                "--no-first-run",
                                "--disable-background-networking",
                                "--disable-component-update",
                                "--disable-sync",
                                "--user-data-dir=" + tmp.resolve("profile"),
                                "--remote-debugging-port=0",
                                "about:blank")
                        .redirectErrorStream(true)
                        .start();
                try {
                    Cdp page = Cdp.connect(devToolsPort(browser));
                    page.call("Page.enable", "{}");
                    page.call("Page.navigate", "{\"url\": \"http://127.0.0.1:" + server.port() + "/\"}");
                    page.waitFor("document.readyState === 'complete' && !!document.getElementById('query')");
                    page.eval(
                            "document.getElementById('query').value = '一只猫的照片'; document.getElementById('form').requestSubmit(); true");
                    page.waitFor("document.querySelectorAll('#grid .hit').length > 0");
                    List<?> shown = (List<?>)
                            Json.parse(
                                    (String)
                                            page.eval(
                                                    "JSON.stringify([...document.querySelectorAll('#grid .hit')]"
                                                            + ".map(e => ({id: +e.dataset.id, path: e.querySelector('.path').textContent, score: e.querySelector('.score').textContent})))"));
                    List<ImageIndex.Result> expected =
                            index.search(clip, clip.embedText("一只猫的照片"), 24, Float.NEGATIVE_INFINITY);
                    assertThat(shown).hasSize(expected.size());
                    for (int i = 0; i < shown.size(); i++) {
                        Map<?, ?> card = (Map<?, ?>) shown.get(i);
                        assertThat(card.get("id")).isEqualTo(expected.get(i).id());
                        assertThat(card.get("path"))
                                .isEqualTo(expected.get(i).path().toString());
                        assertThat(card.get("score"))
                                .isEqualTo(String.format(
                                        Locale.ROOT, "%.3f", expected.get(i).score()));
                    }
                    page.waitFor(
                            "[...document.querySelectorAll('#grid img')].every(i => i.complete && i.naturalWidth > 0)");
                    // "more like this" on the third card: the first result is that image itself
                    long id = ((Number) ((Map<?, ?>) shown.get(2)).get("id")).longValue();
                    page.eval("document.querySelectorAll('#grid .hit')[2].querySelector('button').click(); true");
                    page.waitFor("document.getElementById('status').textContent.startsWith('" + expected.size()
                            + " results for images like #" + id + "')");
                    assertThat(((Number) page.evalNumber("+document.querySelector('#grid .hit').dataset.id"))
                                    .longValue())
                            .isEqualTo(id);

                    // the address follows the searches, and the back button returns to the text query
                    assertThat(page.eval("location.search")).isEqualTo("?id=" + id);
                    page.eval("history.back(); true");
                    page.waitFor("location.search === '?q=' + encodeURIComponent('一只猫的照片')"
                            + " && document.getElementById('status').textContent.endsWith('results for \"一只猫的照片\"')");

                    // a picture from the disk: the same image found first, with a cosine of 1
                    page.eval("fetch('/image/" + id + "').then(r => r.blob())"
                            + ".then(b => searchWithPicture(new File([b], 'mine.jpg', {type: b.type}))); true");
                    page.waitFor(
                            "document.getElementById('status').textContent.includes('results for your picture mine.jpg')");
                    assertThat(((Number) page.evalNumber("+document.querySelector('#grid .hit').dataset.id"))
                                    .longValue())
                            .isEqualTo(id);
                    assertThat(page.eval("document.querySelector('#grid .hit .score').textContent"))
                            .isEqualTo("1.000");

                    // the larger view: the whole path, and Escape closes it
                    page.eval("document.querySelector('#grid .hit img').click(); true");
                    page.waitFor("document.getElementById('view').classList.contains('open')");
                    assertThat(page.eval("document.querySelector('#view .path').textContent"))
                            .isEqualTo(page.eval("document.querySelector('#grid .hit .path').textContent"));
                    page.eval("document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape'})); true");
                    page.waitFor("!document.getElementById('view').classList.contains('open')");
                    page.close();
                } finally {
                    browser.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** The port Chromium prints as "DevTools listening on ws://127.0.0.1:PORT/...". */
    private static int devToolsPort(Process browser) throws Exception {
        BufferedReader r = new BufferedReader(new InputStreamReader(browser.getInputStream(), StandardCharsets.UTF_8));
        Pattern p = Pattern.compile("DevTools listening on ws://[^:]+:(\\d+)/");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String line;
        while (System.nanoTime() < deadline && (line = r.readLine()) != null) {
            Matcher m = p.matcher(line);
            if (m.find()) return Integer.parseInt(m.group(1));
        }
        throw new AssertionError("Chromium did not start its DevTools server");
    }

    /** A minimal Chrome DevTools Protocol client for one page. */
    private static final class Cdp implements WebSocket.Listener {
        private final Map<Long, CompletableFuture<Map<?, ?>>> pending = new ConcurrentHashMap<>();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket socket;
        private long nextId = 1;

        static Cdp connect(int port) throws Exception {
            HttpClient http = HttpClient.newHttpClient();
            String list = http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            String ws = null;
            for (Object t : (List<?>) Json.parse(list)) {
                if ("page".equals(((Map<?, ?>) t).get("type")))
                    ws = (String) ((Map<?, ?>) t).get("webSocketDebuggerUrl");
            }
            assertThat(ws).as("a page target in " + list).isNotNull();
            Cdp c = new Cdp();
            c.socket = http.newWebSocketBuilder().buildAsync(URI.create(ws), c).get(10, TimeUnit.SECONDS);
            return c;
        }

        synchronized Map<?, ?> call(String method, String params) throws Exception {
            long id = nextId++;
            CompletableFuture<Map<?, ?>> f = new CompletableFuture<>();
            pending.put(id, f);
            socket.sendText("{\"id\": " + id + ", \"method\": \"" + method + "\", \"params\": " + params + "}", true)
                    .get(10, TimeUnit.SECONDS);
            Map<?, ?> reply = f.get(30, TimeUnit.SECONDS);
            if (reply.containsKey("error")) throw new AssertionError(method + ": " + reply.get("error"));
            return (Map<?, ?>) reply.get("result");
        }

        /** Evaluates a JavaScript expression in the page and returns its value. */
        Object eval(String expression) throws Exception {
            Map<?, ?> r = call(
                    "Runtime.evaluate",
                    new JsonWriter()
                            .beginObject()
                            .name("expression")
                            .value(expression)
                            .name("returnByValue")
                            .value(true)
                            .endObject()
                            .toString());
            Map<?, ?> result = (Map<?, ?>) r.get("result");
            if (r.containsKey("exceptionDetails"))
                throw new AssertionError("JavaScript failed: " + r.get("exceptionDetails"));
            return result.get("value");
        }

        Number evalNumber(String expression) throws Exception {
            return (Number) eval(expression);
        }

        /** Polls a JavaScript condition until it holds (at most 30 s). */
        void waitFor(String condition) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                if (Boolean.TRUE.equals(eval("!!(" + condition + ")"))) return;
                Thread.sleep(50);
            }
            throw new AssertionError("timed out waiting for: " + condition);
        }

        void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                Map<?, ?> message = (Map<?, ?>) Json.parse(partial.toString());
                partial.setLength(0);
                Object id = message.get("id");
                if (id instanceof Long && pending.containsKey(id))
                    pending.remove(id).complete(message);
            }
            ws.request(1);
            return null;
        }
    }
}
