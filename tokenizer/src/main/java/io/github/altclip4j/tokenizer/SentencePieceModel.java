package io.github.altclip4j.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The contents of a SentencePiece {@code ModelProto} file ({@code *.model}), read with {@link ProtoReader}:
 * the pieces with their scores and types, the parts of {@code trainer_spec} that encoding needs, and the
 * normalizer (and denormalizer) spec. Field numbers follow {@code sentencepiece_model.proto}.
 */
public final class SentencePieceModel {

    /** {@code SentencePiece.Type}. */
    public enum PieceType {
        NORMAL,
        UNKNOWN,
        CONTROL,
        USER_DEFINED,
        UNUSED,
        BYTE
    }

    /** {@code TrainerSpec.ModelType}. */
    public enum Algorithm {
        UNIGRAM,
        BPE,
        WORD,
        CHAR
    }

    public record Piece(String text, float score, PieceType type) {}

    /** {@code NormalizerSpec}: the rule name, the compiled rules, and the whitespace switches. */
    public record NormalizerSpec(
            String name,
            byte[] precompiledCharsmap,
            boolean addDummyPrefix,
            boolean removeExtraWhitespaces,
            boolean escapeWhitespaces) {}

    final List<Piece> pieces;
    final Algorithm algorithm;
    final boolean byteFallback;
    final boolean treatWhitespaceAsSuffix;
    final int unkId;
    final String unkSurface;
    final NormalizerSpec normalizer;
    final NormalizerSpec denormalizer;

    private SentencePieceModel(
            List<Piece> pieces,
            Algorithm algorithm,
            boolean byteFallback,
            boolean treatWhitespaceAsSuffix,
            int unkId,
            String unkSurface,
            NormalizerSpec normalizer,
            NormalizerSpec denormalizer) {
        this.pieces = pieces;
        this.algorithm = algorithm;
        this.byteFallback = byteFallback;
        this.treatWhitespaceAsSuffix = treatWhitespaceAsSuffix;
        this.unkId = unkId;
        this.unkSurface = unkSurface;
        this.normalizer = normalizer;
        this.denormalizer = denormalizer;
    }

    public static SentencePieceModel read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > (256L << 20))
            throw new TokenizerException(file + ": " + size + " bytes is too large for a SentencePiece model");
        return parse(Files.readAllBytes(file), file.toString());
    }

    public static SentencePieceModel parse(byte[] proto, String name) throws TokenizerException {
        ProtoReader r = new ProtoReader(proto, 0, proto.length, name);
        List<Piece> pieces = new ArrayList<>();
        Algorithm algorithm = Algorithm.UNIGRAM;
        boolean byteFallback = false, suffix = false;
        int unk = 0;
        String unkSurface = " \u2047 ";
        NormalizerSpec normalizer = null, denormalizer = null;
        while (r.next()) {
            switch (r.field()) {
                case 1:
                    pieces.add(piece(r.message(name + ": piece " + pieces.size())));
                    break;
                case 2: {
                    ProtoReader t = r.message(name + ": trainer_spec");
                    while (t.next()) {
                        switch (t.field()) {
                            case 3: {
                                int v = t.int32();
                                if (v < 1 || v > 4) throw t.error("unknown model_type " + v);
                                algorithm = Algorithm.values()[v - 1];
                                break;
                            }
                            case 24:
                                suffix = t.bool();
                                break;
                            case 35:
                                byteFallback = t.bool();
                                break;
                            case 40:
                                unk = t.int32();
                                break;
                            // 41-43 (bos, eos, pad ids) are not needed: the XLM-R tokenizer maps its special
                            // tokens itself (fairseq ids), as transformers does.
                            case 44:
                                unkSurface = t.string();
                                break;
                            default:
                                t.skip();
                        }
                    }
                    break;
                }
                case 3:
                    normalizer = normalizerSpec(r.message(name + ": normalizer_spec"));
                    break;
                case 5:
                    denormalizer = normalizerSpec(r.message(name + ": denormalizer_spec"));
                    break;
                default:
                    r.skip();
            }
        }
        if (pieces.isEmpty()) throw new TokenizerException(name + ": the model has no pieces");
        if (normalizer == null) normalizer = new NormalizerSpec("identity", new byte[0], true, true, true);
        if (unk < 0 || unk >= pieces.size() || pieces.get(unk).type() != PieceType.UNKNOWN) {
            throw new TokenizerException(name + ": unk_id " + unk + " is not an UNKNOWN piece");
        }
        if (algorithm != Algorithm.UNIGRAM && algorithm != Algorithm.BPE) {
            throw new TokenizerException(
                    name + ": model_type " + algorithm + " is not supported (UNIGRAM and BPE are)");
        }
        return new SentencePieceModel(
                Collections.unmodifiableList(pieces),
                algorithm,
                byteFallback,
                suffix,
                unk,
                unkSurface,
                normalizer,
                denormalizer);
    }

    private static Piece piece(ProtoReader p) throws TokenizerException {
        String text = null;
        float score = 0;
        PieceType type = PieceType.NORMAL;
        while (p.next()) {
            switch (p.field()) {
                case 1:
                    text = p.string();
                    break;
                case 2:
                    score = p.float32();
                    break;
                case 3: {
                    int t = p.int32();
                    switch (t) {
                        case 1:
                            type = PieceType.NORMAL;
                            break;
                        case 2:
                            type = PieceType.UNKNOWN;
                            break;
                        case 3:
                            type = PieceType.CONTROL;
                            break;
                        case 4:
                            type = PieceType.USER_DEFINED;
                            break;
                        case 5:
                            type = PieceType.UNUSED;
                            break;
                        case 6:
                            type = PieceType.BYTE;
                            break;
                        default:
                            throw p.error("unknown piece type " + t);
                    }
                    break;
                }
                default:
                    p.skip();
            }
        }
        if (text == null || text.isEmpty()) throw p.error("piece without text");
        return new Piece(text, score, type);
    }

    private static NormalizerSpec normalizerSpec(ProtoReader n) throws TokenizerException {
        String name = "";
        byte[] charsmap = new byte[0];
        boolean dummy = true, removeWs = true, escapeWs = true;
        while (n.next()) {
            switch (n.field()) {
                case 1:
                    name = n.string();
                    break;
                case 2:
                    charsmap = n.bytes();
                    break;
                case 3:
                    dummy = n.bool();
                    break;
                case 4:
                    removeWs = n.bool();
                    break;
                case 5:
                    escapeWs = n.bool();
                    break;
                default:
                    n.skip();
            }
        }
        return new NormalizerSpec(name, charsmap, dummy, removeWs, escapeWs);
    }

    public List<Piece> pieces() {
        return pieces;
    }

    public int size() {
        return pieces.size();
    }

    public Algorithm algorithm() {
        return algorithm;
    }

    public NormalizerSpec normalizerSpec() {
        return normalizer;
    }

    /**
     * The {@code denormalizer_spec}, if the model has one. {@link SentencePiece#decode} does not apply it yet (none of
     * the models here carries one); it is read so that a caller can see whether it matters.
     */
    public Optional<NormalizerSpec> denormalizerSpec() {
        return Optional.ofNullable(denormalizer);
    }

    public int unkId() {
        return unkId;
    }
}
