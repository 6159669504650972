package io.github.altclip4j.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.altclip4j.image.ClipImageProcessor;
import io.github.altclip4j.image.ImageDecoder;
import io.github.altclip4j.image.ImageException;
import io.github.altclip4j.tokenizer.TokenizerException;
import io.github.altclip4j.tokenizer.XlmRobertaTokenizer;
import io.github.altclip4j.weights.AltClipConfig;
import io.github.altclip4j.weights.Checkpoint;
import io.github.altclip4j.weights.PreprocessorConfig;
import io.github.altclip4j.weights.TensorEntry;
import io.github.altclip4j.weights.WeightFormatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutation fuzzing of every input format through the public loaders, one step further than opening (every
 * tensor read, texts tokenized, images preprocessed): safetensors (header-aware), {@code pytorch_model.bin} (pickle and
 * zip directory), SentencePiece models (protobuf varints), JSON configs (values and types) and images (PNG chunks with
 * their CRCs fixed, JPEG/GIF/BMP headers). Each case must load, or fail with one of the project's exception types and
 * a message, within its time limit; a JDK runtime exception, an Error (stack overflow, out of memory), a hang or an
 * empty message is a finding, saved under {@code tests/target/fuzz-findings/}. A few thousand cases run in
 * {@code mvn verify}; {@code -Daltclip4j.fuzz.cases=100000} runs that many per format (docs/reliability.md).
 */
class FuzzTest {
    enum Format {
        SAFETENSORS,
        TORCH_BIN,
        SENTENCEPIECE,
        JSON_CONFIG,
        IMAGE
    }

    enum Outcome {
        LOADED,
        REFUSED,
        CRASH,
        HANG,
        NO_MESSAGE
    }

    private static final int QUICK_CASES = 500;
    private static final long TIMEOUT_SECONDS = 20;
    private static final Path FIXTURES = Reference.fixtures();
    private static final List<String> TEXTS = List.of("a photo of a cat", "一只猫的照片", "<mask> x </s> 🐕 ﬁ  \u0000 end");

    @TempDir
    Path tmp;

    @Test
    void everyFormatLoadsOrFailsCleanlyUnderMutation() throws Exception {
        int cases = Integer.getInteger("altclip4j.fuzz.cases", QUICK_CASES);
        long seed = Long.getLong("altclip4j.fuzz.seed", 20261201L);
        Path findings = Path.of("target", "fuzz-findings");
        ExecutorService worker = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fuzz-case");
            t.setDaemon(true);
            return t;
        });
        Map<Format, Map<Outcome, Integer>> counts = new EnumMap<>(Format.class);
        List<String> problems = new ArrayList<>();
        try {
            for (Format format : Format.values()) {
                Map<Outcome, Integer> c = new EnumMap<>(Outcome.class);
                for (Outcome o : Outcome.values()) c.put(o, 0);
                counts.put(format, c);
                List<Seed> seeds = seeds(format);
                SplittableRandom r = new SplittableRandom(seed + format.ordinal());
                for (int i = 0; i < cases; i++) {
                    Seed s = seeds.get(r.nextInt(seeds.size()));
                    byte[] input = mutate(format, s, r);
                    Path file = tmp.resolve("case-" + i + "-" + s.name);
                    Files.write(file, input);
                    String[] detail = new String[1];
                    Outcome o = run(worker, () -> exercise(format, file), detail);
                    c.merge(o, 1, Integer::sum);
                    if (o == Outcome.CRASH || o == Outcome.HANG || o == Outcome.NO_MESSAGE) {
                        Files.createDirectories(findings);
                        Path saved = findings.resolve(format + "-" + seed + "-" + i + "-" + s.name);
                        Files.write(saved, input);
                        if (problems.size() < 20)
                            problems.add(format + " case " + i + " (" + saved + "): " + o + ": " + detail[0]);
                        if (o == Outcome.HANG)
                            worker = Executors.newCachedThreadPool(); // the stuck thread keeps the old one
                    }
                    Files.deleteIfExists(file);
                }
            }
        } finally {
            worker.shutdownNow();
        }
        counts.forEach((f, c) -> System.out.println("fuzz " + f + ": " + c));
        assertThat(problems).isEmpty();
    }

    private interface Case {
        void run() throws Exception;
    }

    private static Outcome run(ExecutorService worker, Case c, String[] detail) throws InterruptedException {
        Future<?> f = worker.submit(() -> {
            c.run();
            return null;
        });
        try {
            f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return Outcome.LOADED;
        } catch (TimeoutException e) {
            f.cancel(true);
            detail[0] = "no answer within " + TIMEOUT_SECONDS + " s";
            return Outcome.HANG;
        } catch (ExecutionException e) {
            Throwable t = e.getCause();
            detail[0] = t.toString();
            boolean ours = t instanceof WeightFormatException
                    || t instanceof ImageException
                    || t instanceof TokenizerException;
            if (!ours) return Outcome.CRASH;
            String m = t.getMessage();
            return m == null || m.isBlank() || m.endsWith(": null") ? Outcome.NO_MESSAGE : Outcome.REFUSED;
        }
    }

    /** Opens the file as its format and goes one step further, as a user would. */
    private void exercise(Format format, Path file) throws Exception {
        switch (format) {
            case SAFETENSORS:
            case TORCH_BIN:
                try (Checkpoint c = Checkpoint.open(file)) {
                    for (TensorEntry t : c.tensors().values()) {
                        if (t.type().isFloatingPoint()) c.readFloat(t.name());
                        else c.readLongs(t.name());
                    }
                }
                break;
            case SENTENCEPIECE: {
                Path dir = Files.createTempDirectory(tmp, "sp");
                Files.move(file, dir.resolve("sentencepiece.bpe.model"));
                XlmRobertaTokenizer tok = XlmRobertaTokenizer.load(dir, 38);
                for (String t : TEXTS) tok.tokenize(t);
                Files.move(dir.resolve("sentencepiece.bpe.model"), file);
                break;
            }
            case JSON_CONFIG:
                if (file.getFileName().toString().contains("preprocessor")) {
                    PreprocessorConfig pc = PreprocessorConfig.read(file);
                    new ClipImageProcessor(pc)
                            .preprocess(List.of(
                                    new ImageDecoder().decode(FIXTURES.resolve("images/files/small_64x48.png"))));
                } else {
                    AltClipConfig.read(file);
                }
                break;
            default: {
                ClipImageProcessor p = new ClipImageProcessor(
                        PreprocessorConfig.read(FIXTURES.resolve("images/preprocessor_config.json")));
                p.preprocess(List.of(new ImageDecoder().decode(file)));
            }
        }
    }

    private record Seed(String name, byte[] bytes) {}

    private static List<Seed> seeds(Format format) throws IOException {
        List<Seed> out = new ArrayList<>();
        switch (format) {
            case SAFETENSORS:
                add(out, "tiny-altclip/model.safetensors");
                add(out, "tiny-altclip-bf16/model.safetensors");
                add(out, "fullsize-random/expected.safetensors");
                break;
            case TORCH_BIN:
                add(out, "tiny-altclip-bin/pytorch_model.bin");
                break;
            case SENTENCEPIECE:
                add(out, "tokenizer/models/sentencepiece_test_model.model");
                add(out, "tokenizer/models/bpe_byte_fallback.model");
                break;
            case JSON_CONFIG:
                add(out, "tiny-altclip/config.json");
                add(out, "tiny-altclip-vith/config.json");
                out.add(new Seed(
                        "preprocessor_config.json",
                        Files.readAllBytes(FIXTURES.resolve("images/preprocessor_config.json"))));
                break;
            default:
                try (var files = Files.list(FIXTURES.resolve("images/files"))) {
                    for (Path f : files.sorted().toList()) {
                        if (Files.size(f) < 200_000)
                            out.add(new Seed(f.getFileName().toString(), Files.readAllBytes(f)));
                    }
                }
        }
        return out;
    }

    private static void add(List<Seed> out, String fixture) throws IOException {
        Path f = FIXTURES.resolve(fixture);
        out.add(new Seed(f.getFileName().toString(), Files.readAllBytes(f)));
    }

    // ---- mutations ----

    private static final long[] INTERESTING = {
        0,
        1,
        -1,
        2,
        255,
        256,
        65535,
        65536,
        Integer.MAX_VALUE,
        Integer.MIN_VALUE,
        0xFFFFFFFFL,
        Long.MAX_VALUE,
        Long.MIN_VALUE,
        1L << 31,
        1L << 32,
        1L << 40,
        46341,
        20000,
        3_000_000
    };

    static byte[] mutate(Format format, Seed seed, SplittableRandom r) throws IOException {
        byte[] b = seed.bytes().clone();
        int kind = r.nextInt(4);
        if (kind == 0) return bytes(b, r);
        switch (format) {
            case SAFETENSORS:
                return safetensors(b, r);
            case TORCH_BIN:
                return r.nextBoolean() ? pickleInZip(b, r) : tail(b, r);
            case SENTENCEPIECE:
                return varint(b, r);
            case JSON_CONFIG:
                return json(b, r);
            default:
                return image(seed.name(), b, r);
        }
    }

    /** Byte-level: flips, overwrites with interesting bytes, insertions, deletions, truncation, duplicated chunks. */
    static byte[] bytes(byte[] b, SplittableRandom r) {
        switch (r.nextInt(5)) {
            case 0:
                for (int i = 0, n = 1 + r.nextInt(8); i < n; i++) b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                return b;
            case 1:
                for (int i = 0, n = 1 + r.nextInt(4); i < n; i++)
                    b[r.nextInt(b.length)] = (byte) (new int[] {0, 0xFF, 0x7F, 0x80}[r.nextInt(4)]);
                return b;
            case 2:
                return Arrays.copyOf(b, r.nextInt(b.length));
            case 3: {
                int at = r.nextInt(b.length), len = 1 + r.nextInt(Math.min(64, b.length - at));
                ByteArrayOutputStream o = new ByteArrayOutputStream();
                o.write(b, 0, at + len);
                o.write(b, at, len);
                o.write(b, at + len, b.length - at - len);
                return o.toByteArray();
            }
            default: {
                int at = r.nextInt(b.length), len = Math.min(1 + r.nextInt(64), b.length - at);
                ByteArrayOutputStream o = new ByteArrayOutputStream();
                o.write(b, 0, at);
                o.write(b, at + len, b.length - at - len);
                return o.toByteArray();
            }
        }
    }

    /** The JSON header: a number replaced by an interesting one, the header length field changed, or a key broken. */
    static byte[] safetensors(byte[] b, SplittableRandom r) {
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long n = bb.getLong(0);
        if (r.nextInt(4) == 0 || n <= 0 || n > b.length - 8) {
            bb.putLong(0, r.nextBoolean() ? INTERESTING[r.nextInt(INTERESTING.length)] : n + r.nextInt(-16, 17));
            return b;
        }
        String header = new String(b, 8, (int) n, StandardCharsets.UTF_8);
        String mutated = replaceNumber(header, r);
        byte[] h = mutated.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out =
                ByteBuffer.allocate(8 + h.length + b.length - 8 - (int) n).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(h.length).put(h).put(b, 8 + (int) n, b.length - 8 - (int) n);
        return out.array();
    }

    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?(e-?\\d+)?");

    static String replaceNumber(String s, SplittableRandom r) {
        Matcher m = NUMBER.matcher(s);
        List<int[]> spans = new ArrayList<>();
        while (m.find()) spans.add(new int[] {m.start(), m.end()});
        if (spans.isEmpty()) return s;
        int[] sp = spans.get(r.nextInt(spans.size()));
        String v = r.nextInt(5) == 0
                ? "\"x\""
                : r.nextInt(6) == 0 ? "1e999" : Long.toString(INTERESTING[r.nextInt(INTERESTING.length)]);
        return s.substring(0, sp[0]) + v + s.substring(sp[1]);
    }

    /** The archive rebuilt with its data.pkl mutated byte-wise (an interesting integer written somewhere, or bytes flipped). */
    static byte[] pickleInZip(byte[] zip, SplittableRandom r) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zo = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries(zip).entrySet()) {
                byte[] data = e.getValue().clone();
                if (e.getKey().endsWith("data.pkl")) {
                    if (r.nextBoolean()) {
                        int at = r.nextInt(Math.max(1, data.length - 8));
                        ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).putInt(at, (int)
                                INTERESTING[r.nextInt(INTERESTING.length)]);
                    } else {
                        data = bytes(data, r);
                    }
                }
                ZipEntry o = new ZipEntry(e.getKey());
                o.setMethod(ZipEntry.STORED);
                o.setSize(data.length);
                CRC32 crc = new CRC32();
                crc.update(data);
                o.setCrc(crc.getValue());
                zo.putNextEntry(o);
                zo.write(data);
                zo.closeEntry();
            }
        }
        return out.toByteArray();
    }

    private static final Map<Integer, Map<String, byte[]>> ZIP_ENTRIES = new ConcurrentHashMap<>();

    /** The entries of the seed archive (read once; torch writes stored entries with data descriptors, which only ZipFile reads). */
    private static Map<String, byte[]> entries(byte[] zip) throws IOException {
        Map<String, byte[]> cached = ZIP_ENTRIES.get(Arrays.hashCode(zip));
        if (cached != null) return cached;
        Path f = Files.createTempFile("seed", ".zip");
        try {
            Files.write(f, zip);
            Map<String, byte[]> m = new LinkedHashMap<>();
            try (ZipFile z = new ZipFile(f.toFile())) {
                for (ZipEntry e : Collections.list(z.entries()))
                    m.put(e.getName(), z.getInputStream(e).readAllBytes());
            }
            ZIP_ENTRIES.put(Arrays.hashCode(zip), m);
            return m;
        } finally {
            Files.delete(f);
        }
    }

    /** The zip's end: the central directory and its offsets. */
    static byte[] tail(byte[] b, SplittableRandom r) {
        int from = Math.max(0, b.length - 2048);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) {
            int at = from + r.nextInt(Math.max(1, b.length - from - 4));
            bb.putInt(at, (int) INTERESTING[r.nextInt(INTERESTING.length)]);
        }
        return b;
    }

    /** A protobuf varint (a length or a number) replaced by another, of the same or a different size. */
    static byte[] varint(byte[] b, SplittableRandom r) {
        int at = r.nextInt(b.length);
        int end = at;
        while (end < b.length && end - at < 10 && (b[end] & 0x80) != 0) end++;
        end = Math.min(b.length, end + 1);
        long v = INTERESTING[r.nextInt(INTERESTING.length)];
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(b, 0, at);
        do {
            int low = (int) (v & 0x7F);
            v >>>= 7;
            o.write(v != 0 ? low | 0x80 : low);
        } while (v != 0);
        o.write(b, end, b.length - end);
        return o.toByteArray();
    }

    /** A JSON config with a value replaced (a huge, negative or zero number, or a string), or cut short. */
    static byte[] json(byte[] b, SplittableRandom r) {
        String s = new String(b, StandardCharsets.UTF_8);
        if (r.nextInt(6) == 0) return s.substring(0, r.nextInt(s.length())).getBytes(StandardCharsets.UTF_8);
        for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) s = replaceNumber(s, r);
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Image headers: PNG chunks (IHDR sizes, data) with their CRCs fixed; JPEG SOF sizes and segment lengths; BMP/GIF sizes. */
    static byte[] image(String name, byte[] b, SplittableRandom r) {
        ByteBuffer be = ByteBuffer.wrap(b);
        if (name.endsWith(".png") && b.length > 33) {
            int chunk = 8; // the first chunk is IHDR
            if (r.nextBoolean()) { // a later chunk
                for (int i = 0, hops = r.nextInt(4); i < hops && chunk + 12 < b.length; i++) {
                    long len = be.getInt(chunk) & 0xFFFFFFFFL;
                    if (chunk + 12 + len >= b.length) break;
                    chunk += (int) (12 + len);
                }
            }
            long len = be.getInt(chunk) & 0xFFFFFFFFL;
            if (chunk + 12 + len > b.length || len == 0) return bytes(b, r);
            int at = chunk + 8 + r.nextInt((int) Math.max(1, len - 3));
            if (chunk == 8 && r.nextBoolean()) at = chunk + 8 + 4 * r.nextInt(2); // width or height
            be.putInt(Math.min(at, chunk + 8 + (int) len - 4), (int) INTERESTING[r.nextInt(INTERESTING.length)]);
            CRC32 crc = new CRC32();
            crc.update(b, chunk + 4, (int) len + 4);
            be.putInt(chunk + 8 + (int) len, (int) crc.getValue());
            return b;
        }
        if (name.endsWith(".jpg")) {
            List<Integer> markers = new ArrayList<>();
            for (int i = 2; i + 4 < b.length && markers.size() < 32; i++) {
                if ((b[i] & 0xFF) == 0xFF
                        && (b[i + 1] & 0xFF) >= 0xC0
                        && (b[i + 1] & 0xFF) != 0xFF
                        && (b[i + 1] & 0xFF) != 0xD8
                        && (b[i + 1] & 0xFF) < 0xDA + 1) {
                    markers.add(i);
                }
            }
            if (markers.isEmpty()) return bytes(b, r);
            int m = markers.get(r.nextInt(markers.size()));
            int field =
                    m + 2 + (r.nextBoolean() ? 0 : 3 + 2 * r.nextInt(2)); // the segment length, or SOF's height/width
            if (field + 2 <= b.length) be.putShort(field, (short) INTERESTING[r.nextInt(INTERESTING.length)]);
            return b;
        }
        ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        if (name.endsWith(".bmp") && b.length > 30) {
            le.putInt(
                    new int[] {2, 10, 14, 18, 22, 28}[r.nextInt(6)], (int) INTERESTING[r.nextInt(INTERESTING.length)]);
            return b;
        }
        if (name.endsWith(".gif") && b.length > 13) {
            le.putShort(6 + 2 * r.nextInt(2), (short) INTERESTING[r.nextInt(INTERESTING.length)]);
            return b;
        }
        return bytes(b, r);
    }
}
