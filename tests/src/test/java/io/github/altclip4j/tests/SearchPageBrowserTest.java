package io.github.altclip4j.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.altclip4j.AltClip;
import io.github.altclip4j.formats.Json;
import io.github.altclip4j.formats.JsonWriter;
import io.github.altclip4j.index.ImageIndex;
import io.github.altclip4j.index.IndexProgress;
import io.github.altclip4j.index.KeepRule;
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
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
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
            // the fixture images, one of them twice (a group for the duplicates view)
            Path photos = Files.createDirectories(tmp.resolve("photos"));
            try (Stream<Path> files = Files.list(Reference.fixtures().resolve("images/files"))) {
                for (Path f : files.toList()) Files.copy(f, photos.resolve(f.getFileName()));
            }
            Files.copy(photos.resolve("rgb_baseline_400x300.jpg"), photos.resolve("zz-copy.jpg"));
            ImageIndex index = ImageIndex.create(tmp.resolve("idx"), photos, clip.modelFolder(), ImageIndex.Store.F32);
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
                    // "more like this" on the third card: the first result is that image itself (or, where the
                    // index holds an exact copy of it, the copy of the lower row, as the API ranks ties)
                    long id = ((Number) ((Map<?, ?>) shown.get(2)).get("id")).longValue();
                    long first = index.search(clip, index.vector(index.row(id)), 1, -1f)
                            .get(0)
                            .id();
                    page.eval("document.querySelectorAll('#grid .hit')[2].querySelector('button').click(); true");
                    page.waitFor("document.getElementById('status').textContent.startsWith('" + expected.size()
                            + " results for images like #" + id + "')");
                    assertThat(((Number) page.evalNumber("+document.querySelector('#grid .hit').dataset.id"))
                                    .longValue())
                            .isEqualTo(first);

                    // the address follows the searches, and the back button returns to the text query
                    assertThat(page.eval("location.search")).isEqualTo("?id=" + id);
                    page.eval("history.back(); true");
                    page.waitFor("location.search === '?q=' + encodeURIComponent('一只猫的照片')"
                            + " && document.getElementById('status').textContent.endsWith('results for \"一只猫的照片\"')");

                    // a picture from the disk, on a page with no query: the same image found first, cosine 1
                    page.eval("history.pushState(null, '', '/'); true");
                    page.eval("fetch('/image/" + id + "').then(r => r.blob())"
                            + ".then(b => searchWithPicture(new File([b], 'mine.jpg', {type: b.type}))); true");
                    page.waitFor(
                            "document.getElementById('status').textContent.includes('results for your picture mine.jpg')");
                    assertThat(((Number) page.evalNumber("+document.querySelector('#grid .hit').dataset.id"))
                                    .longValue())
                            .isEqualTo(first);
                    assertThat(page.eval("document.querySelector('#grid .hit .score').textContent"))
                            .isEqualTo("1.000");

                    // the larger view: the whole path, and Escape closes it
                    page.eval("document.querySelector('#grid .hit img').click(); true");
                    page.waitFor("document.getElementById('view').classList.contains('open')");
                    assertThat(page.eval("document.querySelector('#view .path').textContent"))
                            .isEqualTo(page.eval("document.querySelector('#grid .hit .path').textContent"));
                    page.eval("document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape'})); true");
                    page.waitFor("!document.getElementById('view').classList.contains('open')");

                    weightedTermsAreChips(page, clip, index);
                    keysMoveThroughTheResults(page);
                    duplicatesShowTheGroupsAndTheKeeper(page, index);
                    Files.write(
                            Path.of(System.getProperty("java.io.tmpdir"), "altclip4j-search-page.png"),
                            page.screenshot()); // to look at
                    page.close();
                } finally {
                    browser.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** The status line once a search has been answered (not while "Searching ..."). */
    private static final String ANSWERED =
            " && /^\\d+ results for/.test(document.getElementById('status').textContent)";

    private static void submit(Cdp page, String text) throws Exception {
        page.eval("document.getElementById('query').value = " + new JsonWriter().value(text)
                + "; document.getElementById('form').requestSubmit(); true");
    }

    private static List<Long> shownIds(Cdp page) throws Exception {
        List<?> ids = (List<?>) Json.parse((String)
                page.eval("JSON.stringify([...document.querySelectorAll('#grid .hit')].map(e => +e.dataset.id))"));
        return ids.stream().map(o -> ((Number) o).longValue()).toList();
    }

    /**
     * "2:golden retriever" after a text query makes both chips, searched as altclip search combines them; removing a
     * chip searches again with the rest.
     */
    private static void weightedTermsAreChips(Cdp page, AltClip clip, ImageIndex index) throws Exception {
        page.eval("history.pushState(null, '', '/'); true");
        submit(page, "一只猫的照片");
        page.waitFor("document.getElementById('status').textContent.endsWith('results for \"一只猫的照片\"')");
        submit(page, "2:golden retriever");
        page.waitFor("document.querySelectorAll('#terms .chip').length === 2" + ANSWERED
                + " && document.getElementById('status').textContent.includes('2×\"golden retriever\"')");
        float[] q = AltClip.combine(
                List.of(clip.embedText("一只猫的照片"), clip.embedText("golden retriever")), new float[] {1, 2});
        List<Long> expected = index.search(clip, q, 24, Float.NEGATIVE_INFINITY).stream()
                .map(ImageIndex.Result::id)
                .toList();
        assertThat(shownIds(page)).isEqualTo(expected);
        assertThat(page.eval("decodeURIComponent(location.search)")).isEqualTo("?t=1:一只猫的照片&t=2:golden retriever");
        submit(page, "- fruit");
        page.waitFor("document.querySelectorAll('#terms .chip').length === 3" + ANSWERED
                + " && document.getElementById('status').textContent.includes('− \"fruit\"')");
        page.eval("document.querySelectorAll('#terms .chip button')[2].click(); true"); // remove "fruit"
        page.waitFor("document.querySelectorAll('#terms .chip').length === 2" + ANSWERED
                + " && !document.getElementById('status').textContent.includes('fruit')");
        assertThat(shownIds(page)).isEqualTo(expected);
    }

    /** Arrows move the focus through the results, Enter opens one, ← → step through in the view, Esc closes it. */
    private static void keysMoveThroughTheResults(Cdp page) throws Exception {
        String key = "document.activeElement.dispatchEvent(new KeyboardEvent('keydown', {key: '%s', bubbles: true}));"
                + " true";
        page.eval("document.querySelector('#grid .hit').focus(); true");
        page.eval(String.format(key, "ArrowRight"));
        assertThat(page.eval("document.activeElement.dataset.index")).isEqualTo("1");
        page.eval(String.format(key, "Enter"));
        page.waitFor("document.getElementById('view').classList.contains('open')");
        assertThat(page.eval("document.querySelector('#view .path').textContent"))
                .isEqualTo(page.eval("document.querySelectorAll('#grid .hit .path')[1].textContent"));
        page.eval(String.format(key, "ArrowRight"));
        assertThat(page.eval("document.querySelector('#view .path').textContent"))
                .isEqualTo(page.eval("document.querySelectorAll('#grid .hit .path')[2].textContent"));
        page.eval(String.format(key, "Escape"));
        page.waitFor("!document.getElementById('view').classList.contains('open')");
        assertThat(page.eval("document.activeElement.dataset.index")).isEqualTo("2");
        page.eval(String.format(key, "ArrowDown"));
        assertThat(page.eval("+document.activeElement.dataset.index"))
                .as("a row down")
                .isNotEqualTo(2L);
        page.eval("document.body.focus(); document.dispatchEvent(new KeyboardEvent('keydown', {key: '/'})); true");
        assertThat(page.eval("document.activeElement.id")).isEqualTo("query");
    }

    /** The duplicates view: each group altclip dedup finds, side by side, with the copy the rule keeps marked. */
    private static void duplicatesShowTheGroupsAndTheKeeper(Cdp page, ImageIndex index) throws Exception {
        page.eval(
                "document.getElementById('threshold').value = '0.9999'; document.getElementById('to-duplicates').click();"
                        + " true");
        List<ImageIndex.DuplicateGroup> groups = index.duplicates(0.9999f, KeepRule.LARGEST);
        assertThat(groups).isNotEmpty();
        page.waitFor("document.getElementById('status').textContent.startsWith('" + groups.size() + " group')");
        List<?> shown =
                (List<?>) Json.parse((String) page.eval("JSON.stringify([...document.querySelectorAll('.group')]"
                        + ".map(g => ({ids: [...g.querySelectorAll('.hit')].map(h => +h.dataset.id),"
                        + " keep: +g.querySelector('.hit.keep').dataset.id})))"));
        assertThat(shown).hasSize(groups.size());
        for (int i = 0; i < groups.size(); i++) {
            Map<?, ?> g = (Map<?, ?>) shown.get(i);
            assertThat(g.get("ids"))
                    .isEqualTo(groups.get(i).images().stream()
                            .map(ImageIndex.Result::id)
                            .toList());
            assertThat(g.get("keep")).isEqualTo(groups.get(i).keep().id());
        }
        assertThat(page.eval("location.search")).isEqualTo("?view=duplicates&threshold=0.9999&keep=largest");
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

        /** The page as a PNG. */
        byte[] screenshot() throws Exception {
            return Base64.getDecoder().decode((String)
                    call("Page.captureScreenshot", "{\"format\": \"png\"}").get("data"));
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
