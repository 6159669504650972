package io.github.altclip4j.server;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The search page ({@code /}, one HTML file from the JAR) and the indexed images it shows ({@code /thumb/ID} previews,
 * {@code /image/ID} the files), found by id, never by a path the client sends.
 */
final class SearchPage {
    private final AltClipServer server;
    private final byte[] page;

    SearchPage(AltClipServer server) throws IOException {
        this.server = server;
        try (InputStream in = SearchPage.class.getResourceAsStream("search.html")) {
            if (in == null) throw new IOException("search.html is missing from the JAR");
            this.page = in.readAllBytes();
        }
    }

    /** This protocol's routes, for {@link Endpoints}. */
    List<Endpoints.Route> routes() {
        return List.of(
                new Endpoints.Route("GET", "/", true, this::page),
                new Endpoints.Route("GET", "/thumb/", true, ex -> thumbnail(ex, id(ex, "/thumb/"))),
                new Endpoints.Route("GET", "/image/", true, ex -> original(ex, id(ex, "/image/"))));
    }

    private int page(HttpExchange ex) throws IOException, HttpError {
        if (server.model().index() == null)
            throw new HttpError(404, "not_found", "no index is loaded (start with --index INDEX for the search page)");
        AltClipServer.send(ex, 200, "text/html; charset=utf-8", page);
        return 200;
    }

    private int thumbnail(HttpExchange ex, long id) throws IOException, HttpError {
        Thumbnails t = thumbnails();
        byte[] jpeg = t.jpeg(id);
        ex.getResponseHeaders().set("Cache-Control", "max-age=3600");
        AltClipServer.send(ex, 200, "image/jpeg", jpeg);
        return 200;
    }

    private int original(HttpExchange ex, long id) throws IOException, HttpError {
        Path file = thumbnails().file(id);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new HttpError(404, "not_found", "the image with id " + id + " cannot be read now");
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String type = name.endsWith(".png")
                ? "image/png"
                : name.endsWith(".gif") ? "image/gif" : name.endsWith(".bmp") ? "image/bmp" : "image/jpeg";
        AltClipServer.send(ex, 200, type, bytes);
        return 200;
    }

    private Thumbnails thumbnails() throws HttpError {
        Thumbnails t = server.model().thumbnails();
        if (t == null) throw new HttpError(404, "not_found", "this server has no index");
        return t;
    }

    private static long id(HttpExchange ex, String prefix) throws HttpError {
        String s = ex.getRequestURI().getPath().substring(prefix.length());
        if (!s.matches("\\d{1,18}")) throw new HttpError(404, "not_found", "images are named by their id in the index");
        return Long.parseLong(s);
    }
}
