package io.github.altclip4j.bench;

import io.github.altclip4j.formats.Json;
import io.github.altclip4j.tokenizer.SentencePiece;
import io.github.altclip4j.tokenizer.SentencePieceModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * SentencePiece on one thread: {@code encode} over a multilingual corpus (every fixture text, repeated to about
 * 2 MB of UTF-8, one text per call as a tokenizer is used), and loading a model of XLM-R's size (250,002 pieces,
 * ~5 MB: the fixture model padded with synthetic pieces). Run from the repository root (it reads {@code fixtures/});
 * {@code bench/spm_ref.py} times the C++ library on the same corpus.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {LauncherFlags.GC, LauncherFlags.YOUNG_GEN})
public class TokenizerBench {

    @Param({"unigram_nmt_nfkc"})
    public String model;

    private SentencePiece sp;
    private List<String> corpus;
    private long corpusBytes;
    private byte[] xlmrSizedModel;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        Path root = Paths.get(System.getProperty("altclip4j.fixtures", "fixtures"), "tokenizer");
        sp = SentencePiece.load(root.resolve("models/" + model + ".model"));
        corpus = corpus(root);
        corpusBytes = corpus.stream()
                .mapToLong(t -> t.getBytes(StandardCharsets.UTF_8).length)
                .sum();
        xlmrSizedModel = padModel(Files.readAllBytes(root.resolve("models/unigram_nmt_nfkc.model")), 250_002);
        System.out.printf(
                "%n# corpus: %d texts, %d bytes; XLM-R-sized model: %d bytes%n",
                corpus.size(), corpusBytes, xlmrSizedModel.length);
    }

    /** Every fixture text (the same for all models), repeated to about 2 MB; written for spm_ref.py too. */
    static List<String> corpus(Path root) throws IOException {
        List<String> texts = new ArrayList<>();
        for (String line : Files.readAllLines(root.resolve("cases/unigram_nmt_nfkc.jsonl"), StandardCharsets.UTF_8)) {
            texts.add((String) ((Map<?, ?>) Json.parse(line)).get("text"));
        }
        List<String> out = new ArrayList<>();
        long bytes = 0;
        while (bytes < 2_000_000) {
            for (String t : texts) {
                out.add(t);
                bytes += t.getBytes(StandardCharsets.UTF_8).length;
            }
        }
        return out;
    }

    /** Appends synthetic NORMAL pieces (field 1 of ModelProto) until the model has {@code pieces} pieces. */
    static byte[] padModel(byte[] model, int pieces) throws IOException {
        int have = SentencePieceModel.parse(model, "model").size();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(model);
        SplittableRandom r = new SplittableRandom(5);
        for (int i = have; i < pieces; i++) {
            byte[] text = ("\u2581syn" + Integer.toString(i, 36) + (char) ('a' + r.nextInt(26)))
                    .getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream piece = new ByteArrayOutputStream();
            piece.write(0x0A); // field 1 (piece), length-delimited
            piece.write(text.length);
            piece.write(text);
            piece.write(0x15); // field 2 (score), fixed32
            int bits = Float.floatToIntBits(-10f - r.nextFloat() * 5);
            for (int k = 0; k < 4; k++) piece.write(bits >>> (8 * k));
            byte[] p = piece.toByteArray();
            out.write(0x0A); // ModelProto field 1: repeated SentencePiece
            out.write(p.length);
            out.write(p);
        }
        return out.toByteArray();
    }

    @Benchmark
    public long encodeCorpus() {
        long ids = 0;
        for (String t : corpus) ids += sp.encode(t).ids().length;
        return ids;
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public SentencePiece loadXlmrSizedModel() throws IOException {
        return SentencePiece.of(SentencePieceModel.parse(xlmrSizedModel, "xlmr-sized"), "xlmr-sized");
    }
}
