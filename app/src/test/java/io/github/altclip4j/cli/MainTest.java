package io.github.altclip4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.altclip4j.formats.Json;
import io.github.altclip4j.weights.Checkpoint;
import io.github.altclip4j.weights.SafetensorsFile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    private String stdin = "";
    private static final Path FIXTURES = Paths.get(System.getProperty("altclip4j.fixtures"));
    private static final String MODEL = FIXTURES.resolve("tiny-altclip").toString();
    private static final String IMAGE =
            FIXTURES.resolve("images/files/rgb_baseline_400x300.jpg").toString();

    private int run(String... args) {
        out.reset();
        err.reset();
        return Main.run(
                args,
                new Console(
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8),
                        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                        false));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpListsTheCommandsAndEachCommandsOptionsWithDefaults() {
        assertThat(run("--help")).isZero();
        assertThat(out()).contains("usage: altclip").contains("info").contains("classify");
        assertThat(run("bench", "--help")).isZero();
        assertThat(out())
                .contains("--tokens L")
                .contains("(default: 16)")
                .contains("--iterations I")
                .contains("--weights FORMAT");
        assertThat(run("--version")).isZero();
        assertThat(out()).startsWith("altclip4j ");
    }

    @Test
    void everyCommandsHelpWorksWithoutItsArgumentsAndShowsTheDefaultsOfTheirOwners() {
        for (String command : Main.commands().keySet()) {
            assertThat(run(command, "--help")).as(command).isZero();
            assertThat(out())
                    .as(command)
                    .startsWith("usage: altclip " + command)
                    .contains("options:");
        }
        assertThat(run("serve", "--help")).isZero();
        assertThat(out())
                .contains("(default: "
                        + io.github.altclip4j.server.AltClipServer.Config.defaults()
                                .port() + ")")
                .contains("how the weights are held: as-stored, f32, bf16, f16 or int8 (default: as-stored)");
        assertThat(run("index", "--help")).isZero();
        assertThat(out())
                .contains("how embeddings are stored when the index is created: f32, bf16 or int8 (default: f32)");
        assertThat(run("convert", "a", "b.safetensors", "--dtype", "f64")).isEqualTo(2);
        assertThat(err()).contains("--dtype must be f32, f16, bf16 or int8, got 'f64'");
        assertThat(run("serve", "--model", MODEL, "--port", "99999999999")).isEqualTo(2);
        assertThat(err()).contains("--port must be at most 2147483647");
    }

    @Test
    void everyCommandParsesOptionsTheSameWay() {
        assertThat(run("frobnicate")).isEqualTo(2);
        assertThat(err()).contains("unknown command 'frobnicate'");
        assertThat(run("info", "--threads", "zero")).isEqualTo(2);
        assertThat(err()).contains("--threads needs a positive whole number, got 'zero'");
        assertThat(run("bench", "--foo")).isEqualTo(2);
        assertThat(err()).contains("unknown option '--foo'");
        assertThat(run("bench", "--model")).isEqualTo(2);
        assertThat(err()).contains("--model needs a value (DIR)");
        assertThat(run("convert", "a", "b.safetensors", "--dtype")).isEqualTo(2);
        assertThat(err()).contains("--dtype needs a value");
        assertThat(run("info", "--json", "--json")).isEqualTo(2);
        assertThat(err()).contains("--json is given more than once");
        assertThat(run("info", "--json=yes")).isEqualTo(2);
        assertThat(err()).contains("--json takes no value");
        assertThat(run("info", "extra")).isEqualTo(2);
        assertThat(err()).contains("unexpected argument 'extra'");
    }

    @Test
    void optionValuesMayFollowAnEqualsSignAndDashDashEndsTheOptions() {
        assertThat(run("tokenize", "--model=" + MODEL, "--max-length=8", "--", "--not an option"))
                .isZero();
        Map<?, ?> t = (Map<?, ?>) Json.parse(out().trim());
        assertThat(t.get("text")).isEqualTo("--not an option");
        assertThat((List<?>) t.get("input_ids")).hasSizeLessThanOrEqualTo(8);
    }

    @Test
    void infoReportsKernelsAndAMeasuredSpeed() {
        assertThat(run("info", "--threads", "2", "--json")).isZero();
        Map<?, ?> info = (Map<?, ?>) Json.parse(out().trim());
        assertThat((String) info.get("kernels")).startsWith("vector-");
        assertThat(info.get("threads")).isEqualTo(2L);
        assertThat(((Number) info.get("gemm_257x1024x4096_gflops")).doubleValue())
                .isPositive();
        assertThat(run("info", "--threads", "1")).isZero();
        assertThat(out()).contains("kernels:").contains("GFLOPS");
    }

    @Test
    void inspectListsEveryTensorOfTheFixtureAsTextAndJson() {
        String dir = FIXTURES.resolve("tiny-altclip-bin").toString();
        assertThat(run("inspect", dir)).isZero();
        assertThat(out())
                .contains("text_model.pre_LN.weight")
                .contains("F32")
                .contains("[32]")
                .contains("85 tensors");
        assertThat(run("inspect", "--json", dir)).isZero();
        Map<?, ?> j = (Map<?, ?>) Json.parse(out().trim());
        assertThat((List<?>) j.get("tensors")).hasSize(85);
        assertThat(run("inspect", "/nonexistent/file.safetensors")).isEqualTo(1);
        assertThat(err()).contains("/nonexistent/file.safetensors: no such checkpoint file");
    }

    @Test
    void missingAndWrongFilesAreNamedWithTheReasonBeforeAnyModelLoads(@TempDir Path tmp) throws Exception {
        assertThat(run("classify", "--model", MODEL, "nope.jpg", "a cat")).isEqualTo(1);
        assertThat(err()).contains("nope.jpg: no such image file").doesNotContain("loaded");
        assertThat(run("classify", "--model", MODEL, "--image", tmp.toString() + "/x.png", "a cat"))
                .isEqualTo(1);
        assertThat(err()).contains("x.png: no such image file");
        assertThat(run("classify", "--model", tmp.toString(), IMAGE, "a cat")).isEqualTo(1);
        assertThat(err()).contains("config.json").contains("no such");
        assertThat(run(
                        "embed",
                        "--model",
                        MODEL,
                        "--text",
                        "a",
                        "--output",
                        tmp.resolve("no/dir/out.safetensors").toString()))
                .isEqualTo(1);
        assertThat(err()).contains("out.safetensors: its folder does not exist").doesNotContain("loaded");
        if (Files.isDirectory(Path.of("/proc/self"))) { // a folder whose permission bits allow what creating refuses
            assertThat(run("embed", "--model", MODEL, "--text", "a", "--output", "/proc/out.safetensors"))
                    .isEqualTo(1);
            assertThat(err())
                    .contains("/proc/out.safetensors: cannot create a file in its folder")
                    .doesNotContain("loaded")
                    .doesNotContain(".partial");
        }
        assertThat(run(
                        "embed",
                        "--model",
                        MODEL,
                        "--text",
                        "a",
                        "--output",
                        tmp.resolve("out.txt").toString()))
                .isEqualTo(2);
        assertThat(err()).contains("--output must end in .safetensors, .npy or .json");
        assertThat(run("classify", "--model", MODEL, IMAGE, IMAGE, "a cat")).isEqualTo(2);
        assertThat(err()).contains("is an image file; give several images with --image");
    }

    @Test
    void classifyingAFolderSkipsAndReportsAnUndecodableFileAsIndexDoes(@TempDir Path tmp) throws Exception {
        Files.copy(Path.of(IMAGE), tmp.resolve("a.jpg"));
        Files.writeString(tmp.resolve("b.jpg"), "not a JPEG");
        Files.copy(Path.of(IMAGE), tmp.resolve("c.jpg"));
        assertThat(run("classify", "--model", MODEL, "--image", tmp.toString(), "a cat", "a dog"))
                .isZero();
        assertThat(out())
                .contains(tmp.resolve("a.jpg").toString())
                .contains(tmp.resolve("c.jpg").toString());
        assertThat(out()).doesNotContain("b.jpg");
        assertThat(err()).contains("skipped " + tmp.resolve("b.jpg")).contains("1 of 3 images could not be read");
        String a = out().substring(out().indexOf("a.jpg")), c = out().substring(out().indexOf("c.jpg"));
        assertThat(a.lines().skip(1).limit(2).toList())
                .isEqualTo(c.lines().skip(1).limit(2).toList());

        Files.delete(tmp.resolve("a.jpg"));
        Files.delete(tmp.resolve("c.jpg"));
        Files.writeString(tmp.resolve("d.png"), "not a PNG");
        assertThat(run("classify", "--model", MODEL, "--image", tmp.toString(), "a cat"))
                .isEqualTo(1);
        assertThat(err()).contains("2 of 2 images could not be read");
    }

    @Test
    void indexErrorsNameEachFileOnce(@TempDir Path tmp) throws Exception {
        Path photos = Files.createDirectory(tmp.resolve("photos"));
        Files.copy(Path.of(IMAGE), photos.resolve("a.jpg"));
        Files.writeString(photos.resolve("b.jpg"), "not a JPEG");
        String index = tmp.resolve("idx").toString();
        assertThat(run("index", "--model", MODEL, "--index", index, photos.toString()))
                .isZero();
        assertThat(run("index", "--errors", index)).isZero();
        String bad = photos.resolve("b.jpg").toString();
        assertThat(out().lines().toList()).hasSize(1);
        assertThat(out()).startsWith(bad + "\t").containsOnlyOnce(bad);
    }

    @Test
    void indexAndSearchMakeTheirCheapChecksBeforeLoadingTheWeights(@TempDir Path tmp) throws Exception {
        Path photos = Files.createDirectory(tmp.resolve("photos"));
        Files.copy(Path.of(IMAGE), photos.resolve("a.jpg"));
        Files.copy(Path.of(IMAGE), photos.resolve("b.jpg"));
        String index = tmp.resolve("idx").toString();
        assertThat(run("index", "--model", MODEL, "--index", index, photos.toString()))
                .isZero();
        assertThat(err()).contains("loaded");

        // nothing changed, or only removals: answered from the walk, the model is never loaded
        assertThat(run("index", "--model", MODEL, "--index", index, photos.toString()))
                .isZero();
        assertThat(out()).contains("2 images found, 2 unchanged, 0 moved, 0 copied, 0 embedded");
        assertThat(err()).doesNotContain("loaded");
        Files.delete(photos.resolve("b.jpg"));
        assertThat(run("index", "--model", MODEL, "--index", index, photos.toString()))
                .isZero();
        assertThat(out())
                .contains("1 unchanged, 0 moved, 0 copied, 0 embedded, 0 failed")
                .contains("1 removed");
        assertThat(err()).doesNotContain("loaded");

        // another model (its config differs by one byte): refused by search and index before the load
        Path other = Files.createDirectory(tmp.resolve("other-model"));
        try (var files = Files.list(Path.of(MODEL))) {
            for (Path f : files.toList()) Files.copy(f, other.resolve(f.getFileName()));
        }
        Files.writeString(other.resolve("config.json"), Files.readString(other.resolve("config.json")) + " ");
        assertThat(run("search", "--model", other.toString(), "--index", index, "a cat"))
                .isEqualTo(1);
        assertThat(err()).contains("was made with the model").doesNotContain("loaded");
        Files.copy(FIXTURES.resolve("images/files/rgb_progressive_landscape_420x236.jpg"), photos.resolve("c.jpg"));
        assertThat(run("index", "--model", other.toString(), "--index", index, photos.toString()))
                .isEqualTo(1);
        assertThat(err()).contains("was made with the model").doesNotContain("loaded");

        // an index another process updates: refused before the load, though there is a file to embed
        try (FileChannel ch = FileChannel.open(Path.of(index, "lock"), StandardOpenOption.WRITE);
                FileLock held = ch.lock()) {
            assertThat(run("index", "--model", MODEL, "--index", index, photos.toString()))
                    .isEqualTo(1);
            assertThat(err()).contains("another process is updating this index").doesNotContain("loaded");
        }
        assertThat(run("index", "--model", MODEL, "--index", index, photos.toString()))
                .isZero();
        assertThat(out()).contains("1 embedded");
        assertThat(err()).contains("loaded").contains("(image tower)"); // an index needs only the image tower

        // moved and copied files reuse their rows' vectors: no model
        Files.createDirectories(photos.resolve("sub"));
        Files.move(photos.resolve("c.jpg"), photos.resolve("sub/c-renamed.jpg"));
        Files.copy(photos.resolve("a.jpg"), photos.resolve("sub/a-copy.jpg"));
        assertThat(run("index", "--model", MODEL, "--index", index, photos.toString()))
                .isZero();
        assertThat(out()).contains("3 images found, 1 unchanged, 1 moved, 1 copied, 0 embedded");
        assertThat(err()).doesNotContain("loaded");

        // a text search loads only the text tower, an image search only the image tower
        assertThat(run("search", "--model", MODEL, "--index", index, "-k", "1", "a cat"))
                .isZero();
        assertThat(err()).contains("(text tower)");
        assertThat(run("search", "--model", MODEL, "--index", index, "-k", "1", "--image", IMAGE))
                .isZero();
        assertThat(err()).contains("(image tower)");
        assertThat(out()).contains("1.0000").contains("a.jpg"); // the same picture, found by itself
    }

    @Test
    void dedupNamesTheCopyToKeepByTheChosenRule(@TempDir Path tmp) throws Exception {
        Path photos = Files.createDirectory(tmp.resolve("photos"));
        Path original = photos.resolve("a.jpg"), copy = photos.resolve("b-copy.jpg");
        Files.copy(Path.of(IMAGE), original);
        Files.copy(Path.of(IMAGE), copy);
        Files.copy(FIXTURES.resolve("images/files/gray16_300x200.png"), photos.resolve("z.png"));
        Files.setLastModifiedTime(copy, java.nio.file.attribute.FileTime.fromMillis(1_600_000_000_000L));
        Files.setLastModifiedTime(original, java.nio.file.attribute.FileTime.fromMillis(1_700_000_000_000L));
        String index = tmp.resolve("idx").toString();
        assertThat(run("index", "--model", MODEL, "--index", index, photos.toString()))
                .isZero();

        assertThat(run("dedup", "--index", index, "--threshold", "0.9999", "--keep", "oldest"))
                .isZero();
        List<?> groups = (List<?>) Json.parse(out().trim());
        assertThat(groups).hasSize(1);
        Map<?, ?> g = (Map<?, ?>) groups.get(0);
        assertThat(g.get("keep")).isEqualTo(copy.toString()); // the older file
        assertThat(g.get("others")).isEqualTo(List.of(original.toString()));
        assertThat((List<?>) g.get("images")).hasSize(2);

        assertThat(run("dedup", "--index", index, "--threshold", "0.9999", "--keep", "newest", "--others"))
                .isZero();
        assertThat(out().lines().toList()).containsExactly(copy.toString());
        // same pixels and bytes: largest keeps the lower row, the first indexed (a.jpg sorts first)
        assertThat(run("dedup", "--index", index, "--threshold", "0.9999", "--others"))
                .isZero();
        assertThat(out().lines().toList()).containsExactly(copy.toString());
        assertThat(run("dedup", "--index", index, "--keep", "biggest")).isEqualTo(2);
        assertThat(err()).contains("--keep must be largest, oldest, newest or most-exif, got 'biggest'");
    }

    @Test
    void dedupMostExifKeepsTheCopyWithTheCameraMetadata(@TempDir Path tmp) throws Exception {
        Path photos = Files.createDirectory(tmp.resolve("photos"));
        byte[] jpeg = Files.readAllBytes(Path.of(IMAGE));
        Files.write(photos.resolve("a-shared.jpg"), jpeg);
        // b: the same JPEG with an APP1 Exif segment spliced in after SOI: IFD0 of 2 tags, one pointing to an
        // Exif directory of 3 tags (5 in all); c: an Exif segment with IFD0 of 1 tag
        Files.write(photos.resolve("b-camera.jpg"), withExif(jpeg, 2, 3));
        Files.write(photos.resolve("c-edited.jpg"), withComment(withExif(jpeg, 1, -1), 600)); // the most bytes
        String index = tmp.resolve("idx").toString();
        assertThat(run("index", "--model", MODEL, "--index", index, photos.toString()))
                .isZero();
        assertThat(run("dedup", "--index", index, "--threshold", "0.9999", "--keep", "most-exif"))
                .isZero();
        Map<?, ?> g = (Map<?, ?>) ((List<?>) Json.parse(out().trim())).get(0);
        assertThat(g.get("keep")).isEqualTo(photos.resolve("b-camera.jpg").toString());
        // largest would keep the copy with the most bytes (same pixels)
        assertThat(run("dedup", "--index", index, "--threshold", "0.9999", "--keep", "largest"))
                .isZero();
        assertThat(((Map<?, ?>) ((List<?>) Json.parse(out().trim())).get(0)).get("keep"))
                .isEqualTo(photos.resolve("c-edited.jpg").toString());
    }

    /** {@code jpeg} with a comment segment of {@code n} bytes after SOI. */
    private static byte[] withComment(byte[] jpeg, int n) {
        byte[] out = new byte[jpeg.length + 4 + n];
        out[0] = jpeg[0];
        out[1] = jpeg[1];
        out[2] = (byte) 0xFF;
        out[3] = (byte) 0xFE;
        out[4] = (byte) ((n + 2) >> 8);
        out[5] = (byte) (n + 2);
        System.arraycopy(jpeg, 2, out, 6 + n, jpeg.length - 2);
        return out;
    }

    /**
     * {@code jpeg} with a big-endian TIFF Exif segment after SOI: IFD0 with {@code ifd0Tags} entries (the last an Exif
     * IFD pointer when {@code exifTags} >= 0) and an Exif IFD of {@code exifTags} entries.
     */
    private static byte[] withExif(byte[] jpeg, int ifd0Tags, int exifTags) {
        java.nio.ByteBuffer tiff =
                java.nio.ByteBuffer.allocate(8 + 2 + 12 * ifd0Tags + 4 + 2 + 12 * Math.max(0, exifTags) + 4);
        tiff.putShort((short) 0x4D4D).putShort((short) 42).putInt(8).putShort((short) ifd0Tags);
        int exifAt = 8 + 2 + 12 * ifd0Tags + 4;
        for (int i = 0; i < ifd0Tags; i++) {
            boolean pointer = exifTags >= 0 && i == ifd0Tags - 1;
            tiff.putShort((short) (pointer ? 0x8769 : 0x0110 + i))
                    .putShort((short) 4)
                    .putInt(1)
                    .putInt(pointer ? exifAt : 0);
        }
        tiff.putInt(0);
        if (exifTags >= 0) {
            tiff.putShort((short) exifTags);
            for (int i = 0; i < exifTags; i++)
                tiff.putShort((short) (0x9000 + i))
                        .putShort((short) 4)
                        .putInt(1)
                        .putInt(0);
            tiff.putInt(0);
        }
        byte[] t = java.util.Arrays.copyOf(tiff.array(), tiff.position());
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        int length = 2 + 6 + t.length;
        out.write(0xFF);
        out.write(0xE1);
        out.write(length >> 8);
        out.write(length & 0xFF);
        out.writeBytes("Exif\0\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        out.writeBytes(t);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    @Test
    void classifySeveralImagesAsJsonWithTopK() {
        String other = FIXTURES.resolve("images/files/small_64x48.png").toString();
        assertThat(run(
                        "classify",
                        "--model",
                        MODEL,
                        "--image",
                        IMAGE,
                        "--image",
                        other,
                        "--top",
                        "2",
                        "--json",
                        "a",
                        "b",
                        "c"))
                .isZero();
        List<?> results = (List<?>) Json.parse(out().trim());
        assertThat(results).hasSize(2);
        Map<?, ?> first = (Map<?, ?>) results.get(0);
        assertThat(first.get("image")).isEqualTo(IMAGE);
        List<?> labels = (List<?>) first.get("labels");
        assertThat(labels).hasSize(2);
        double p0 = ((Number) ((Map<?, ?>) labels.get(0)).get("probability")).doubleValue();
        double p1 = ((Number) ((Map<?, ?>) labels.get(1)).get("probability")).doubleValue();
        assertThat(p0).isGreaterThanOrEqualTo(p1).isLessThan(1);
        // one image alone gives the same probabilities as in the batch
        assertThat(run("classify", "--model", MODEL, "--json", IMAGE, "a", "b", "c"))
                .isZero();
        assertThat(((Map<?, ?>) ((List<?>) Json.parse(out().trim())).get(0))
                        .get("labels")
                        .toString())
                .startsWith(labels.toString().replace("]", ""));
    }

    @Test
    void embedOutputsCarryTheirNamesInEveryFormat(@TempDir Path tmp) throws Exception {
        stdin = "一只猫\na dog\n";
        Path st = tmp.resolve("e.safetensors");
        assertThat(run("embed", "--model", MODEL, "--texts-file", "-", "--image", IMAGE, "--output", st.toString()))
                .as(err())
                .isZero();
        try (var f = SafetensorsFile.open(st)) {
            assertThat(Json.parse(f.metadata().get("texts"))).isEqualTo(List.of("一只猫", "a dog"));
            assertThat(Json.parse(f.metadata().get("images"))).isEqualTo(List.of(IMAGE));
            assertThat(f.entry("text_embeds").shape()).containsExactly(2, 32);
        }
        Path npy = tmp.resolve("t.npy");
        assertThat(run("embed", "--model", MODEL, "--text", "a", "--text", "b", "--output", npy.toString()))
                .as(err())
                .isZero();
        byte[] bytes = Files.readAllBytes(npy);
        assertThat(new String(bytes, 1, 5, StandardCharsets.US_ASCII)).isEqualTo("NUMPY");
        assertThat(new String(bytes, 10, 60, StandardCharsets.US_ASCII)).contains("'shape': (2, 32)");
        assertThat(bytes.length).isEqualTo(128 + 2 * 32 * 4);
        assertThat(Json.parse(Files.readString(tmp.resolve("t.names.json"))))
                .isEqualTo(Map.of("texts", List.of("a", "b")));
        assertThat(run("embed", "--model", MODEL, "--text", "a", "--image", IMAGE, "--output", npy.toString()))
                .isEqualTo(2);
        assertThat(run("embed", "--model", MODEL, "--text", "一只猫")).isZero();
        Map<?, ?> j = (Map<?, ?>) Json.parse(out().trim());
        Map<?, ?> text = (Map<?, ?>) ((List<?>) j.get("texts")).get(0);
        assertThat(text.get("text")).isEqualTo("一只猫");
        assertThat((List<?>) text.get("embedding")).hasSize(32);
    }

    @Test
    void convertRoundTripsBitExactly(@TempDir Path tmp) throws Exception {
        Path bf16 = tmp.resolve("bf16.safetensors"), back = tmp.resolve("f32.safetensors");
        // .bin (F32) -> BF16 must equal the BF16 fixture made by PyTorch; BF16 -> F32 must widen exactly
        assertThat(run(
                        "convert",
                        FIXTURES.resolve("tiny-altclip-bin/pytorch_model.bin").toString(),
                        bf16.toString(),
                        "--dtype",
                        "bf16"))
                .isZero();
        assertThat(run("convert", bf16.toString(), back.toString())).isZero();
        try (Checkpoint ours = Checkpoint.open(bf16);
                Checkpoint ref = Checkpoint.open(FIXTURES.resolve("tiny-altclip-bf16/model.safetensors"));
                Checkpoint widened = Checkpoint.open(back)) {
            for (String name : ref.tensors().keySet()) {
                assertThat(ours.readHalf(name).bits())
                        .as(name)
                        .isEqualTo(ref.readHalf(name).bits());
                assertThat(widened.readFloat(name).toArray())
                        .as(name)
                        .isEqualTo(ref.readFloat(name).toArray());
            }
        }
        // a model folder is accepted as input, as inspect accepts it
        assertThat(run("convert", MODEL, tmp.resolve("m.safetensors").toString()))
                .isZero();
        assertThat(run("convert", "a", "b.safetensors", "--dtype", "f8")).isEqualTo(2);
        assertThat(err()).contains("--dtype must be f32, f16, bf16 or int8, got 'f8'");
    }

    @Test
    void tokenizePrintsTheReferenceIdsForEveryJsonlCase() throws Exception {
        Path cases = FIXTURES.resolve("tokenizer/cases/unigram_nmt_nfkc.jsonl");
        assertThat(run("tokenize", "--model", MODEL, "--max-length", "100000", "--jsonl", cases.toString()))
                .isZero();
        List<String> lines = out().lines().collect(Collectors.toList());
        List<String> expected = Files.readAllLines(cases, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(expected.size());
        for (int i = 0; i < lines.size(); i++) {
            Map<?, ?> got = (Map<?, ?>) Json.parse(lines.get(i)), ref = (Map<?, ?>) Json.parse(expected.get(i));
            assertThat(got.get("input_ids")).as("line %d", i).isEqualTo(ref.get("xlmr_input_ids"));
            assertThat(got.get("text")).as("line %d", i).isEqualTo(ref.get("text"));
        }
        // the default max length comes from tokenizer_config.json (38)
        assertThat(run("tokenize", "--model", MODEL, "word ".repeat(100))).isZero();
        assertThat((List<?>) ((Map<?, ?>) Json.parse(out().trim())).get("input_ids"))
                .hasSize(38);
        // texts from stdin
        stdin = "{\"text\": \"hello\"}\n";
        assertThat(run("tokenize", "--model", MODEL, "--jsonl", "-")).isZero();
        assertThat(out().lines().count()).isEqualTo(1);
        assertThat(run("tokenize", "hello")).isEqualTo(2);
        assertThat(err()).contains("--model DIR is required");
    }
}
