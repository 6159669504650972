package io.github.altclip4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void helpListsTheCommands() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("usage: altclip").contains("info");
    }

    @Test
    void unknownCommandsAndArgumentsAreUsageErrors() {
        assertThat(run("frobnicate")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown command 'frobnicate'");
        assertThat(run("info", "--threads", "zero")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--threads needs a positive whole number, got 'zero'");
    }

    @Test
    void infoReportsKernelsAndAMeasuredSpeed() {
        assertThat(run("info", "--threads", "2")).isZero();
        String json = out.toString(StandardCharsets.UTF_8);
        assertThat(json).contains("\"kernels\": \"vector-").contains("\"threads\": 2");
        double gflops = Double.parseDouble(json.replaceAll("(?s).*\"gemm_257x1024x4096_gflops\": ([0-9.]+).*", "$1"));
        assertThat(gflops).isPositive();
    }

    @Test
    void inspectListsEveryTensorOfTheFixture() {
        String dir = System.getProperty("altclip4j.fixtures") + "/tiny-altclip-bin";
        assertThat(run("inspect", dir)).isZero();
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("text_model.pre_LN.weight").contains("F32").contains("[32]");
        assertThat(text).contains("85 tensors");
        assertThat(run("inspect", "/nonexistent/file.safetensors")).isEqualTo(1);
    }

    @Test
    void convertRoundTripsBitExactly(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        String fixtures = System.getProperty("altclip4j.fixtures");
        java.nio.file.Path bf16 = tmp.resolve("bf16.safetensors"), back = tmp.resolve("f32.safetensors");
        // .bin (F32) -> BF16 must equal the BF16 fixture made by PyTorch; BF16 -> F32 must widen exactly
        assertThat(run("convert", fixtures + "/tiny-altclip-bin/pytorch_model.bin", bf16.toString(), "--dtype", "bf16")).isZero();
        assertThat(run("convert", bf16.toString(), back.toString())).isZero();
        try (var ours = io.github.altclip4j.weights.Checkpoint.open(bf16);
             var ref = io.github.altclip4j.weights.Checkpoint.open(java.nio.file.Paths.get(fixtures, "tiny-altclip-bf16/model.safetensors"));
             var widened = io.github.altclip4j.weights.Checkpoint.open(back)) {
            for (String name : ref.tensors().keySet()) {
                assertThat(ours.readHalf(name).bits()).as(name).isEqualTo(ref.readHalf(name).bits());
                assertThat(widened.readFloat(name).toArray()).as(name).isEqualTo(ref.readFloat(name).toArray());
            }
        }
        assertThat(run("convert", "a", "b", "--dtype", "f8")).isEqualTo(2);
    }

    @Test
    void tokenizePrintsTheReferenceIdsForEveryJsonlCase(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path fixtures = java.nio.file.Paths.get(System.getProperty("altclip4j.fixtures"));
        java.nio.file.Path cases = fixtures.resolve("tokenizer/cases/unigram_nmt_nfkc.jsonl");
        assertThat(run("tokenize", "--model", fixtures.resolve("tiny-altclip").toString(), "--max-length", "100000",
                "--jsonl", cases.toString())).isZero();
        java.util.List<String> lines = out.toString(StandardCharsets.UTF_8).lines().collect(java.util.stream.Collectors.toList());
        java.util.List<String> expected = java.nio.file.Files.readAllLines(cases, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(expected.size());
        for (int i = 0; i < lines.size(); i++) {
            java.util.Map<?, ?> got = (java.util.Map<?, ?>) io.github.altclip4j.weights.Json.parse(lines.get(i));
            java.util.Map<?, ?> ref = (java.util.Map<?, ?>) io.github.altclip4j.weights.Json.parse(expected.get(i));
            assertThat(got.get("input_ids")).as("line %d", i).isEqualTo(ref.get("xlmr_input_ids"));
        }
        out.reset();
        // the default max length comes from tokenizer_config.json (38)
        assertThat(run("tokenize", "--model", fixtures.resolve("tiny-altclip").toString(), "word ".repeat(100))).isZero();
        java.util.Map<?, ?> one = (java.util.Map<?, ?>) io.github.altclip4j.weights.Json.parse(out.toString(StandardCharsets.UTF_8).trim());
        assertThat((java.util.List<?>) one.get("input_ids")).hasSize(38);
        assertThat(run("tokenize", "hello")).isEqualTo(2);
    }
}
