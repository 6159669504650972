package io.github.altclip4j.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class TokenizerBehaviourTest {

    private static SentencePiece model(String name) throws IOException {
        return SentencePiece.load(FixtureCasesTest.fixtures().resolve("models/" + name + ".model"));
    }

    /** decode(encode(text)) gives back the normalised text (spaces for ▁, no dummy prefix) whenever no piece is unknown. */
    @Test
    void decodeInvertsEncodeUpToNormalisation() throws IOException {
        for (String name : List.of("unigram_nmt_nfkc", "bpe_byte_fallback", "unigram_nfkc_cf", "unigram_identity")) {
            SentencePiece sp = model(name);
            int checked = 0;
            for (Map<String, Object> c : FixtureCasesTest.cases(name)) {
                String text = (String) c.get("text");
                SentencePiece.Encoding e = sp.encode(text);
                if (Arrays.stream(e.ids()).anyMatch(id -> id == sp.unkId())) continue;
                String expected = sp.normalize(text).replace('\u2581', ' ');
                if (sp.model().normalizerSpec().addDummyPrefix() && expected.startsWith(" "))
                    expected = expected.substring(1);
                assertThat(sp.decode(e.ids())).as("%s %s", name, c.get("id")).isEqualTo(expected);
                checked++;
            }
            assertThat(checked).as(name).isGreaterThan(50);
        }
    }

    @Test
    void batchesArePaddedTruncatedAndMasked() throws IOException {
        XlmRobertaTokenizer t = new XlmRobertaTokenizer(model("unigram_nmt_nfkc"), 8);
        XlmRobertaTokenizer.Batch b = t.batch(
                List.of("a photo of a cat", "cat", "a very long text that will not fit in eight tokens at all"));
        assertThat(b.length()).isEqualTo(8);
        assertThat(b.inputIds()[0]).containsExactly(0, 24, 4, 41, 1498, 622, 35, 2); // cut to <s> + 6 + </s>
        assertThat(b.inputIds()[1]).containsExactly(0, 4, 1622, 2, 1, 1, 1, 1); // <s> ▁ cat </s> + padding
        int realTokens = t.tokenize("cat").ids().length;
        for (int i = 0; i < 8; i++) assertThat(b.attentionMask()[1][i]).isEqualTo(i < realTokens ? 1 : 0);
        assertThat(b.inputIds()[1][realTokens - 1]).isEqualTo(XlmRobertaTokenizer.EOS);
        assertThat(t.tokenize("").ids()).containsExactly(0, 2);
        assertThat(t.maskId()).isEqualTo(8001);
        assertThatThrownBy(() -> new XlmRobertaTokenizer(model("unigram_nmt_nfkc"), 1))
                .hasMessageContaining("at least 2");
    }

    @Test
    void specialTokenStringsAreSplitOutAsTheSlowTokenizerDoes() {
        assertThat(XlmRobertaTokenizer.splitOnSpecialTokens("a <s>b</s> <mask>c\u3000<mask><pad>"))
                .containsExactly("a ", "<s>", "b", "</s>", "<mask>", "c", "<mask>", "<pad>");
        assertThat(XlmRobertaTokenizer.splitOnSpecialTokens("<<unk>>")).containsExactly("<", "<unk>", ">");
        assertThat(XlmRobertaTokenizer.pythonRstrip("x \u00a0\u2003\n\u001c")).isEqualTo("x");
        assertThat(XlmRobertaTokenizer.pythonRstrip("x\u200b"))
                .isEqualTo("x\u200b"); // zero-width space is not isspace()
    }

    @Test
    @Timeout(30)
    void oddInputGivesACleanResult() throws IOException {
        SentencePiece sp = model("unigram_nmt_nfkc");
        // an unpaired surrogate is replaced by U+FFFD before encoding (UTF-8 cannot hold it)
        assertThat(sp.encode("a\ud800b").ids()).isEqualTo(sp.encode("a\ufffdb").ids());
        assertThat(sp.encode("\u0000").pieces()).isNotEmpty();
        assertThat(sp.encode("").ids()).isEmpty();
        assertThat(sp.encode(" \t\n ").ids()).isEmpty();
        String big = "a photo of a cat 一只猫的照片 🐱 ".repeat(1 << 15); // ~1 MB of UTF-8
        assertThat(sp.encode(big).ids().length).isGreaterThan(100_000);
        XlmRobertaTokenizer t = new XlmRobertaTokenizer(sp, 38);
        assertThat(t.tokenize(big).ids()).hasSize(38);
        SentencePiece bpe = model("bpe_byte_fallback");
        assertThat(bpe.encode(big).ids().length).isGreaterThan(100_000);
    }

    @Test
    void aModelCutAtEvery97thByteFailsCleanly() throws IOException {
        byte[] full = Files.readAllBytes(FixtureCasesTest.fixtures().resolve("models/sentencepiece_test_model.model"));
        int failed = 0;
        for (int cut = 0; cut < full.length; cut += 97) {
            try {
                SentencePiece sp =
                        SentencePiece.of(SentencePieceModel.parse(Arrays.copyOf(full, cut), "cut" + cut), "cut" + cut);
                sp.encode("a photo of a cat"); // a cut at a field boundary may still be a (smaller) valid model
            } catch (TokenizerException expected) {
                assertThat(expected.getMessage()).startsWith("cut" + cut);
                failed++;
            }
        }
        assertThat(failed).isGreaterThan(full.length / 97 / 2);
    }
}
