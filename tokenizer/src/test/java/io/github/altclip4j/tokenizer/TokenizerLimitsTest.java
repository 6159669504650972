package io.github.altclip4j.tokenizer;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A model with a piece no trained model has (found by fuzzing: an 8.5 M-character piece overflowed the trie). */
class TokenizerLimitsTest {

    /** A ModelProto with the given pieces (field 1: {1: text, 2: score, 3: type}), nothing else. */
    private static byte[] model(String... pieceAndType) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < pieceAndType.length; i += 2) {
            ByteArrayOutputStream p = new ByteArrayOutputStream();
            byte[] text = pieceAndType[i].getBytes(StandardCharsets.UTF_8);
            p.write(0x0A);
            varint(p, text.length);
            p.writeBytes(text);
            p.write(0x15); // score: fixed32 0.0
            p.writeBytes(new byte[4]);
            p.write(0x18); // type
            varint(p, Integer.parseInt(pieceAndType[i + 1]));
            out.write(0x0A);
            varint(out, p.size());
            out.writeBytes(p.toByteArray());
        }
        return out.toByteArray();
    }

    private static void varint(ByteArrayOutputStream o, long v) {
        while ((v & ~0x7FL) != 0) {
            o.write((int) (v & 0x7F) | 0x80);
            v >>>= 7;
        }
        o.write((int) v);
    }

    @Test
    void aPieceLongerThanAnyTrainedModelsIsRefusedNamingTheFile() throws Exception {
        SentencePieceModel m = SentencePieceModel.parse(
                model("<unk>", "2", "<s>", "3", "</s>", "3", "a", "1", "b".repeat(10_000), "1"), "huge.model");
        assertThatThrownBy(() -> SentencePiece.of(m, "huge.model"))
                .isInstanceOf(TokenizerException.class)
                .hasMessage(
                        "huge.model: piece 4 is 10000 bytes long; the limit is 4096 (SentencePiece's own default is 16 characters)");
    }
}
