package io.github.altclip4j.tokenizer;

import io.github.altclip4j.tokenizer.SentencePieceModel.PieceType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A SentencePiece processor in pure Java, matching the C++ library (0.1.9x) token for token: normalise
 * ({@link Normalizer}), segment with the model's algorithm ({@link UnigramEncoder} or {@link BpeEncoder}), then
 * turn unknown pieces into {@code <0xNN>} byte pieces (byte fallback) or merge runs of them into one.
 * Thread-safe once loaded.
 */
public final class SentencePiece {
    private final SentencePieceModel model;
    private final byte[][] pieceBytes;
    private final PieceType[] types;
    private final float[] scores;
    /** Pieces that segmentation can produce: NORMAL, USER_DEFINED and UNUSED (skipped when encoding). */
    private final ByteTrie pieceTrie;

    private final float minScore, maxScore;
    /** CONTROL, UNKNOWN and BYTE pieces: looked up first by {@link #pieceToId}, never produced by segmentation. */
    private final ByteTrie reservedTrie;

    private final int[] byteIds = new int[256];
    private final Normalizer normalizer;
    private final Segmenter segmenter;

    /** The segmentation algorithm: normalised UTF-8 in, pieces as (start, end, id) triples out. */
    interface Segmenter {
        List<int[]> segment(byte[] normalized);
    }

    /** The result of {@link #encode}: piece strings and their ids, in order. */
    public record Encoding(List<String> pieces, int[] ids) {}

    private SentencePiece(SentencePieceModel model, String name) throws TokenizerException {
        this.model = model;
        int n = model.size();
        pieceBytes = new byte[n][];
        types = new PieceType[n];
        scores = new float[n];
        long totalBytes = 0;
        for (int i = 0; i < n; i++) {
            pieceBytes[i] = model.pieces().get(i).text().getBytes(StandardCharsets.UTF_8);
            if (pieceBytes[i].length > MAX_PIECE_BYTES) {
                throw new TokenizerException(
                        name + ": piece " + i + " is " + pieceBytes[i].length + " bytes long; the limit is "
                                + MAX_PIECE_BYTES + " (SentencePiece's own default is 16 characters)");
            }
            totalBytes += pieceBytes[i].length;
        }
        if (totalBytes > ByteTrie.MAX_STATES) {
            throw new TokenizerException(name + ": the pieces hold " + totalBytes + " bytes in all, more than the "
                    + ByteTrie.MAX_STATES + " a piece trie may have");
        }
        pieceTrie = new ByteTrie((int) Math.min(totalBytes, 1 << 24));
        reservedTrie = new ByteTrie(64);
        ByteTrie userDefined = null;
        float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
        Arrays.fill(byteIds, -1);
        for (int i = 0; i < n; i++) {
            SentencePieceModel.Piece p = model.pieces().get(i);
            types[i] = p.type();
            scores[i] = p.score();
            boolean segmentable =
                    p.type() == PieceType.NORMAL || p.type() == PieceType.USER_DEFINED || p.type() == PieceType.UNUSED;
            if (!(segmentable ? pieceTrie : reservedTrie).put(pieceBytes[i], i)) {
                throw new TokenizerException(name + ": piece \"" + p.text() + "\" is defined twice");
            }
            if (p.type() == PieceType.NORMAL) {
                min = Math.min(min, p.score());
                max = Math.max(max, p.score());
            }
            if (p.type() == PieceType.USER_DEFINED) {
                if (userDefined == null) userDefined = new ByteTrie(16);
                userDefined.put(pieceBytes[i], i);
            }
            if (p.type() == PieceType.BYTE) {
                int b = byteValue(p.text());
                if (b < 0)
                    throw new TokenizerException(name + ": byte piece \"" + p.text() + "\" is not of the form <0xNN>");
                byteIds[b] = i;
            }
        }
        minScore = min;
        maxScore = max;
        if (model.byteFallback) {
            for (int b = 0; b < 256; b++) {
                if (byteIds[b] < 0)
                    throw new TokenizerException(
                            name + ": byte_fallback is on but piece " + bytePiece(b) + " is missing");
            }
        }
        normalizer = new Normalizer(
                model.normalizer,
                PrecompiledCharsmap.parse(model.normalizer.precompiledCharsmap(), name),
                userDefined,
                model.treatWhitespaceAsSuffix);
        segmenter = model.algorithm == SentencePieceModel.Algorithm.BPE
                ? new BpeEncoder(this, userDefined)
                : new UnigramEncoder(this);
    }

    /** The longest piece accepted, in UTF-8 bytes: far above any trained model's, far below what could exhaust memory. */
    static final int MAX_PIECE_BYTES = 4096;

    public static SentencePiece load(Path file) throws IOException {
        return new SentencePiece(SentencePieceModel.read(file), file.toString());
    }

    public static SentencePiece of(SentencePieceModel model, String name) throws TokenizerException {
        return new SentencePiece(model, name);
    }

    public SentencePieceModel model() {
        return model;
    }

    /** Number of pieces (ids are {@code 0 .. size-1}). */
    public int size() {
        return pieceBytes.length;
    }

    public int unkId() {
        return model.unkId;
    }

    // What the segmenters read of the vocabulary.

    PieceType type(int id) {
        return types[id];
    }

    float score(int id) {
        return scores[id];
    }

    /** The pieces segmentation may produce (NORMAL, USER_DEFINED and UNUSED), by their UTF-8 bytes. */
    ByteTrie segmentablePieces() {
        return pieceTrie;
    }

    /** The lowest and highest score of a NORMAL piece. */
    float minScore() {
        return minScore;
    }

    float maxScore() {
        return maxScore;
    }

    /** The id of a piece string, or the unknown id, as {@code PieceToId}: reserved pieces first, then the others. */
    public int pieceToId(String piece) {
        byte[] b = piece.getBytes(StandardCharsets.UTF_8);
        int id = reservedTrie.get(b, 0, b.length);
        if (id < 0) id = pieceTrie.get(b, 0, b.length);
        return id < 0 ? model.unkId : id;
    }

    public String idToPiece(int id) {
        return model.pieces().get(id).text();
    }

    /** The normalised text (UTF-8, with {@code ▁} for spaces), as the library's {@code Normalize}. */
    public String normalize(String text) {
        byte[] n = normalizer.normalize(Utf8.encode(text));
        return Utf8.decode(n, 0, n.length);
    }

    /** {@code encode(text)} of the C++ library: pieces and ids. */
    public Encoding encode(String text) {
        byte[] normalized = normalizer.normalize(Utf8.encode(text));
        List<int[]> segments = segmenter.segment(normalized);
        List<String> pieces = new ArrayList<>(segments.size());
        int[] ids = new int[segments.size() * (model.byteFallback ? 4 : 1)];
        int count = 0;
        boolean prevUnknown = false;
        for (int[] seg : segments) {
            int start = seg[0], end = seg[1], id = seg[2];
            boolean unknown = id == model.unkId;
            if (unknown && model.byteFallback) {
                if (count + (end - start) > ids.length)
                    ids = Arrays.copyOf(ids, Math.max(ids.length * 2, count + end - start));
                for (int i = start; i < end; i++) {
                    int b = normalized[i] & 0xFF;
                    pieces.add(bytePiece(b));
                    ids[count++] = byteIds[b];
                }
            } else if (unknown && prevUnknown) {
                // A run of unknown characters becomes one unknown piece, as the library does.
                int last = pieces.size() - 1;
                pieces.set(last, pieces.get(last) + Utf8.decode(normalized, start, end));
            } else {
                if (count == ids.length) ids = Arrays.copyOf(ids, ids.length * 2 + 1);
                pieces.add(Utf8.decode(normalized, start, end));
                ids[count++] = id;
            }
            prevUnknown = unknown;
        }
        return new Encoding(pieces, Arrays.copyOf(ids, count));
    }

    /**
     * Ids back to text, as the library's {@code DecodeIds}: pieces concatenated, {@code ▁} turned into spaces (the
     * dummy-prefix space of the first piece dropped), byte pieces gathered and read as UTF-8, control pieces dropped,
     * the unknown piece shown as its surface (" ⁇ ").
     */
    public String decode(int[] ids) {
        ByteBuf out = new ByteBuf(ids.length * 4);
        for (int id : ids) {
            if (id < 0 || id >= size())
                throw new IllegalArgumentException("id " + id + " is outside the vocabulary of " + size());
            switch (types[id]) {
                case CONTROL:
                    break;
                case UNKNOWN: {
                    byte[] u = model.unkSurface.getBytes(StandardCharsets.UTF_8);
                    out.append(u, 0, u.length);
                    break;
                }
                case BYTE:
                    out.append((byte) byteValue(model.pieces().get(id).text()));
                    break;
                default:
                    out.append(pieceBytes[id], 0, pieceBytes[id].length);
            }
        }
        String text = new String(out.toArray(), StandardCharsets.UTF_8).replace('\u2581', ' ');
        boolean dummy = model.normalizer.addDummyPrefix() && !model.treatWhitespaceAsSuffix;
        if (dummy && text.startsWith(" ")) text = text.substring(1);
        if (model.normalizer.addDummyPrefix() && model.treatWhitespaceAsSuffix && text.endsWith(" ")) {
            text = text.substring(0, text.length() - 1);
        }
        return text;
    }

    static String bytePiece(int b) {
        return String.format("<0x%02X>", b);
    }

    private static int byteValue(String piece) {
        if (piece.length() != 6 || !piece.startsWith("<0x") || piece.charAt(5) != '>') return -1;
        try {
            return Integer.parseInt(piece.substring(3, 5), 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
