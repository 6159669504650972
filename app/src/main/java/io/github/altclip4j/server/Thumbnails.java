package io.github.altclip4j.server;

import io.github.altclip4j.image.ImageDecoder;
import io.github.altclip4j.image.RgbImage;
import io.github.altclip4j.index.ImageIndex;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Small JPEG previews of indexed images for the search page, made on first request and kept (the most recent 1024).
 * An image is found by its id in the index, never by a path the client sends, so nothing outside the index is read.
 * An id names the same bytes in every commit (a changed file gets a new one), so the previews outlive a commit.
 */
final class Thumbnails {
    static final int SIZE = 256;
    private static final int KEEP = 1024;

    private final ImageIndex index;
    private final ImageDecoder decoder = new ImageDecoder();
    private final Map<Long, byte[]> cache;

    Thumbnails(ImageIndex index) {
        this.index = index;
        this.cache = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, byte[]> e) {
                return size() > KEEP;
            }
        };
    }

    /** The previews of a newer commit of the same index, keeping those already made. */
    Thumbnails(ImageIndex index, Thumbnails before) {
        this.index = index;
        this.cache = before.cache;
    }

    /** The indexed file of an id, or a 404. */
    Path file(long id) throws HttpError, IOException {
        int row = index.row(id);
        if (row < 0) throw new HttpError(404, "not_found", "no image with id " + id + " in the index");
        return index.root().resolve(index.entries().get(row).path());
    }

    byte[] jpeg(long id) throws HttpError, IOException {
        synchronized (cache) {
            byte[] cached = cache.get(id);
            if (cached != null) return cached;
        }
        RgbImage rgb;
        try {
            rgb = decoder.decodeOnWhite(file(id)); // as a browser shows a transparent image on the page
        } catch (IOException e) {
            throw new HttpError(404, "not_found", "the image with id " + id + " cannot be read now: " + e.getMessage());
        }
        double scale = Math.min(1.0, (double) SIZE / Math.max(rgb.width(), rgb.height()));
        int w = Math.max(1, (int) Math.round(rgb.width() * scale)),
                h = Math.max(1, (int) Math.round(rgb.height() * scale));
        BufferedImage full = new BufferedImage(rgb.width(), rgb.height(), BufferedImage.TYPE_3BYTE_BGR);
        byte[] px = rgb.pixels();
        int[] line = new int[rgb.width()];
        for (int y = 0; y < rgb.height(); y++) {
            for (int x = 0, i = y * rgb.width() * 3; x < rgb.width(); x++, i += 3) {
                line[x] = (px[i] & 0xFF) << 16 | (px[i + 1] & 0xFF) << 8 | (px[i + 2] & 0xFF);
            }
            full.setRGB(0, y, rgb.width(), 1, line, 0, rgb.width());
        }
        BufferedImage small = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = small.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(full, 0, 0, w, h, null);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(small, "jpg", out);
        byte[] jpeg = out.toByteArray();
        synchronized (cache) {
            cache.put(id, jpeg);
        }
        return jpeg;
    }
}
