package io.github.altclip4j.server;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The server's route table, made of the protocols' routes ({@link OpenAiApi}, {@link TeiApi}, {@link WeaviateApi},
 * {@link AltClipApi}, {@link SearchPage}), and the one dispatch every request goes through: the route, the API key,
 * the method, the handler, the metrics. Every failure becomes an {@link HttpError} response; nothing else escapes.
 */
final class Endpoints {
    private final AltClipServer server;
    final List<Route> routes;

    Endpoints(AltClipServer server) throws IOException {
        this.server = server;
        List<Route> all = new ArrayList<>();
        all.addAll(new OpenAiApi(server).routes());
        all.addAll(new TeiApi(server).routes());
        all.addAll(new WeaviateApi(server).routes());
        all.addAll(new AltClipApi(server).routes());
        all.addAll(new SearchPage(server).routes());
        this.routes = List.copyOf(all);
    }

    /** What a route does with its request; returns the status it answered. */
    @FunctionalInterface
    interface Handler {
        int handle(HttpExchange ex) throws IOException, HttpError;
    }

    /**
     * One route: its method, its path (every path under it when it ends in '/', other than "/" itself: the row is the
     * rest), whether it is open without the API key, and its handler. This one list feeds the server's contexts, the
     * API-key rule, the method check and the metrics' endpoint labels.
     */
    record Route(String method, String path, boolean open, Handler handler) {
        private boolean prefix() {
            return path.endsWith("/") && !path.equals("/");
        }

        boolean matches(String requested) {
            return prefix() ? requested.startsWith(path) : requested.equals(path);
        }

        /** The label in the metrics: the path, without the trailing '/' of the per-row routes. */
        String label() {
            return prefix() ? path.substring(0, path.length() - 1) : path;
        }
    }

    void handle(HttpExchange ex) throws IOException {
        long t0 = System.nanoTime();
        String path = ex.getRequestURI().getPath();
        Route route = routes.stream().filter(r -> r.matches(path)).findFirst().orElse(null);
        int status = 200;
        boolean entered = false;
        try {
            server.enter();
            entered = true;
            if (route == null) throw new HttpError(404, "not_found", "no endpoint " + path + " (see docs/server.md)");
            if (!route.open() && !server.authorized(ex))
                throw new HttpError(401, "unauthorized", "a valid API key is required (Authorization: Bearer KEY)");
            String m = ex.getRequestMethod();
            if (!m.equals(route.method()) && !(route.method().equals("GET") && m.equals("HEAD"))) {
                ex.getResponseHeaders().set("Allow", route.method());
                throw new HttpError(405, "method_not_allowed", path + " takes " + route.method() + ", not " + m);
            }
            status = route.handler().handle(ex);
        } catch (HttpError e) {
            status = e.status;
            server.discardBody(ex);
            AltClipServer.sendError(ex, e);
        } catch (IOException | RuntimeException | Error e) {
            // Anything else still gets an answer: a request must never hang because its handler died.
            status = 500;
            server.discardBody(ex);
            String m = e.getMessage();
            AltClipServer.sendError(
                    ex, new HttpError(500, "backend", m == null ? e.getClass().getSimpleName() : m));
            if (e instanceof VirtualMachineError) throw (VirtualMachineError) e;
        } finally {
            if (entered) server.leave();
            server.metrics().request(route == null ? "other" : route.label(), status, (System.nanoTime() - t0) / 1e9);
        }
    }
}
