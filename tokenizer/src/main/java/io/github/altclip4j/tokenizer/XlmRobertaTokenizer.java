package io.github.altclip4j.tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * transformers' slow {@code XLMRobertaTokenizer} (v4.36) over a {@link SentencePiece} model: the tokenizer of
 * AltCLIP's text tower.
 * <ul>
 *   <li>Ids follow fairseq: {@code <s>}=0, {@code <pad>}=1, {@code </s>}=2, {@code <unk>}=3, SentencePiece id k &ge; 1
 *       becomes k+1 (SentencePiece's own unknown, id 0, becomes 3), {@code <mask>} = number of pieces + 1.</li>
 *   <li>Literal special-token strings in a text are split out first (earliest match, longest at that position);
 *       {@code <mask>} eats the whitespace to its left (Python's {@code str.rstrip()}); empty chunks are dropped and
 *       every other chunk is encoded by SentencePiece on its own (so each gets its own dummy-prefix {@code ▁}).</li>
 *   <li>A text becomes {@code <s> ids </s>}, truncated to {@code maxLength} tokens; a batch is padded with
 *       {@code <pad>} on the right to its longest member, and the attention mask is 1 on real tokens.</li>
 * </ul>
 */
public final class XlmRobertaTokenizer {
    public static final int BOS = 0, PAD = 1, EOS = 2, UNK = 3;
    private static final int FAIRSEQ_OFFSET = 1;
    private static final String[] SPECIALS = {"<s>", "<pad>", "</s>", "<unk>", "<mask>"};

    private final SentencePiece sp;
    private final int maxLength;

    /** @param maxLength longest output including {@code <s>} and {@code </s>} (at least 2), or -1 for no limit */
    public XlmRobertaTokenizer(SentencePiece sp, int maxLength) {
        if (maxLength != -1 && maxLength < 2)
            throw new IllegalArgumentException("max length must be at least 2, got " + maxLength);
        this.sp = sp;
        this.maxLength = maxLength;
    }

    /** Loads {@code sentencepiece.bpe.model} from a model folder. */
    public static XlmRobertaTokenizer load(Path folder, int maxLength) throws IOException {
        return new XlmRobertaTokenizer(SentencePiece.load(folder.resolve("sentencepiece.bpe.model")), maxLength);
    }

    public SentencePiece sentencePiece() {
        return sp;
    }

    public int maxLength() {
        return maxLength;
    }

    public int maskId() {
        return sp.size() + FAIRSEQ_OFFSET;
    }

    /** Vocabulary size of the model's embedding table: pieces + the fairseq offset + {@code <mask>}. */
    public int vocabSize() {
        return sp.size() + FAIRSEQ_OFFSET + 1;
    }

    /** One tokenised text: its pieces (special tokens included) and ids, with {@code <s>}/{@code </s>} framing. */
    public record Tokens(List<String> pieces, int[] ids) {}

    /** A padded batch, as the model consumes it: {@code inputIds[b][t]} and {@code attentionMask[b][t]}. */
    public record Batch(int[][] inputIds, int[][] attentionMask) {
        public int size() {
            return inputIds.length;
        }

        public int length() {
            return inputIds.length == 0 ? 0 : inputIds[0].length;
        }
    }

    public Tokens tokenize(String text) {
        List<String> pieces = new ArrayList<>();
        List<Integer> ids = new ArrayList<>();
        for (String chunk : splitOnSpecialTokens(text)) {
            int special = specialId(chunk);
            if (special >= 0) {
                pieces.add(chunk);
                ids.add(special);
                continue;
            }
            for (String piece : sp.encode(chunk).pieces()) {
                pieces.add(piece);
                ids.add(pieceId(piece));
            }
        }
        int keep = maxLength < 0 ? ids.size() : Math.min(ids.size(), maxLength - 2);
        List<String> framedPieces = new ArrayList<>(keep + 2);
        int[] framed = new int[keep + 2];
        framedPieces.add("<s>");
        framed[0] = BOS;
        for (int i = 0; i < keep; i++) {
            framedPieces.add(pieces.get(i));
            framed[i + 1] = ids.get(i);
        }
        framedPieces.add("</s>");
        framed[keep + 1] = EOS;
        return new Tokens(framedPieces, framed);
    }

    public Batch batch(List<String> texts) {
        int[][] ids = new int[texts.size()][];
        int longest = 0;
        for (int i = 0; i < ids.length; i++) {
            ids[i] = tokenize(texts.get(i)).ids();
            longest = Math.max(longest, ids[i].length);
        }
        int[][] padded = new int[ids.length][longest], mask = new int[ids.length][longest];
        for (int i = 0; i < ids.length; i++) {
            Arrays.fill(padded[i], PAD);
            System.arraycopy(ids[i], 0, padded[i], 0, ids[i].length);
            Arrays.fill(mask[i], 0, ids[i].length, 1);
        }
        return new Batch(padded, mask);
    }

    /** {@code _convert_token_to_id}: fairseq specials, else SentencePiece id + 1, SentencePiece's unknown to 3. */
    int pieceId(String piece) {
        int special = specialId(piece);
        if (special >= 0) return special;
        int id = sp.pieceToId(piece);
        return id == 0 ? UNK : id + FAIRSEQ_OFFSET;
    }

    private int specialId(String s) {
        switch (s) {
            case "<s>":
                return BOS;
            case "<pad>":
                return PAD;
            case "</s>":
                return EOS;
            case "<unk>":
                return UNK;
            case "<mask>":
                return maskId();
            default:
                return -1;
        }
    }

    /** The text split around special-token strings (kept as chunks), {@code <mask>} stripping whitespace to its left. */
    static List<String> splitOnSpecialTokens(String text) {
        List<String> chunks = new ArrayList<>();
        int pos = 0, chunkStart = 0;
        while (pos < text.length()) {
            String match = null;
            if (text.charAt(pos) == '<') {
                for (String s : SPECIALS) {
                    if (text.startsWith(s, pos) && (match == null || s.length() > match.length())) match = s;
                }
            }
            if (match == null) {
                pos++;
                continue;
            }
            String left = text.substring(chunkStart, pos);
            if (match.equals("<mask>")) left = pythonRstrip(left);
            if (!left.isEmpty()) chunks.add(left);
            chunks.add(match);
            pos += match.length();
            chunkStart = pos;
        }
        if (chunkStart < text.length()) chunks.add(text.substring(chunkStart));
        return chunks;
    }

    /** Python's {@code str.rstrip()}: removes trailing characters for which {@code str.isspace()} is true. */
    static String pythonRstrip(String s) {
        int end = s.length();
        while (end > 0) {
            int cp = s.codePointBefore(end);
            if (!isPythonSpace(cp)) break;
            end -= Character.charCount(cp);
        }
        return s.substring(0, end);
    }

    /** Python's {@code str.isspace()}: Unicode White_Space plus the ASCII separators 0x1C-0x1F. */
    static boolean isPythonSpace(int cp) {
        if (cp >= 0x1C && cp <= 0x1F) return true;
        switch (cp) {
            case 0x09:
            case 0x0A:
            case 0x0B:
            case 0x0C:
            case 0x0D:
            case 0x20:
            case 0x85:
            case 0xA0:
            case 0x1680:
            case 0x2028:
            case 0x2029:
            case 0x202F:
            case 0x205F:
            case 0x3000:
                return true;
            default:
                return cp >= 0x2000 && cp <= 0x200A;
        }
    }
}
