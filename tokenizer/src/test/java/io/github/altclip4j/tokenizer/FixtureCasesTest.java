package io.github.altclip4j.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.altclip4j.formats.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every case of every fixture model: pieces, SentencePiece ids and XLM-R input ids identical to the references. */
class FixtureCasesTest {

    static Path fixtures() {
        return Paths.get(System.getProperty("altclip4j.fixtures", "../fixtures"))
                .resolve("tokenizer");
    }

    static Stream<String> models() {
        return Stream.of(
                "unigram_nmt_nfkc",
                "bpe_byte_fallback",
                "unigram_identity",
                "unigram_nfkc_cf",
                "sentencepiece_test_model");
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> cases(String model) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String line :
                Files.readAllLines(fixtures().resolve("cases/" + model + ".jsonl"), StandardCharsets.UTF_8)) {
            if (!line.isEmpty()) out.add((Map<String, Object>) Json.parse(line));
        }
        return out;
    }

    static int[] ints(Object list) {
        return ((List<?>) list).stream().mapToInt(x -> (int) (long) (Long) x).toArray();
    }

    @ParameterizedTest
    @MethodSource("models")
    void everyCaseMatchesTheReference(String model) throws IOException {
        SentencePiece sp = SentencePiece.load(fixtures().resolve("models/" + model + ".model"));
        XlmRobertaTokenizer xlmr = new XlmRobertaTokenizer(sp, -1);
        List<Map<String, Object>> cases = cases(model);
        assertThat(cases).hasSize(168);
        List<String> failures = new ArrayList<>();
        for (Map<String, Object> c : cases) {
            String text = (String) c.get("text"), id = (String) c.get("id");
            SentencePiece.Encoding e = sp.encode(text);
            if (!e.pieces().equals(c.get("pieces")))
                failures.add(id + " pieces " + e.pieces() + " != " + c.get("pieces"));
            else if (!Arrays.equals(e.ids(), ints(c.get("spm_ids")))) failures.add(id + " spm ids");
            int[] xids = xlmr.tokenize(text).ids();
            if (!Arrays.equals(xids, ints(c.get("xlmr_input_ids")))) {
                failures.add(id + " xlmr " + Arrays.toString(xids) + " != " + c.get("xlmr_input_ids"));
            }
        }
        assertThat(failures).as(model).isEmpty();
    }
}
