package io.github.altclip4j.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.altclip4j.model.AltClipModel;
import io.github.altclip4j.tensor.Backend;
import io.github.altclip4j.tensor.DType;
import io.github.altclip4j.tensor.EmbeddingTable;
import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.tensor.Gemm;
import io.github.altclip4j.tensor.HalfTensor;
import io.github.altclip4j.tensor.MappedWeights;
import io.github.altclip4j.tensor.PackedMatrix;
import io.github.altclip4j.tensor.ThreadPool;
import io.github.altclip4j.weights.SafetensorsFile;
import io.github.altclip4j.weights.WeightFormat;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Weights mapped from a pre-packed file (JDK 22+, the multi-release JAR's {@code MappedWeights}) compute exactly the
 * bits of the same weights in the heap, with 1 or 2 threads; a bad pre-packed file is refused, said, and written
 * again. Runs against the module JARs (the reactor's), where the JDK 22 classes live; on JDK 17 only the first test
 * runs.
 */
class MappedWeightsTest {
    private String cacheBefore;

    @TempDir
    Path cache;

    @BeforeEach
    void useOwnCache() {
        cacheBefore = System.getProperty("altclip4j.cache");
        System.setProperty("altclip4j.cache", cache.toString());
    }

    @AfterEach
    void restoreCache() {
        if (cacheBefore == null) System.clearProperty("altclip4j.cache");
        else System.setProperty("altclip4j.cache", cacheBefore);
    }

    @Test
    void mappingIsAvailableExactlyOnJdk22AndLaterWithTheVectorKernels() {
        boolean expected = Runtime.version().feature() >= 22 && Backend.isVectorized();
        assertThat(MappedWeights.available()).isEqualTo(expected);
    }

    /** Every weight type, shapes with a partial panel, a later block of k and ragged row tiles; 1 and 2 threads. */
    @Test
    void aMappedMatrixMultipliesToTheHeapMatrixBits() throws IOException {
        assumeTrue(MappedWeights.available());
        int k = 600, n = 200; // 600 inputs: two blocks of k (512 + 88); 200 outputs: a partial panel
        SplittableRandom r = new SplittableRandom(3);
        FloatTensor w = random(r, n, k);
        Path file = cache.resolve("matrices.bin");
        List<PackedMatrix> heap = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (DType t : DType.values()) {
                PackedMatrix p = t == DType.F16 || t == DType.BF16
                        ? PackedMatrix.pack(HalfTensor.of(w, t))
                        : PackedMatrix.pack(w, t);
                offsets.add(ch.position());
                p.writeTo(ch);
                assertThat(ch.position() - offsets.get(offsets.size() - 1)).isEqualTo(p.bytes());
                heap.add(p);
            }
        }
        MappedWeights mapped = MappedWeights.map(file);
        float[] bias = random(r, 1, n).toArray();
        for (int i = 0; i < heap.size(); i++) {
            PackedMatrix h = heap.get(i), m = mapped.matrix(offsets.get(i), n, k, h.dtype());
            assertThat(m.isMapped()).isTrue();
            for (int rows : new int[] {1, 7, 23}) {
                FloatTensor x = random(r, rows, k);
                float[] expected;
                try (ThreadPool two = new ThreadPool(2)) {
                    expected = Gemm.linear(two, x, h, bias).toArray();
                    assertThat(Gemm.linear(two, x, m, bias).toArray())
                            .as("%s, %d rows, 2 threads", h.dtype(), rows)
                            .containsExactly(expected);
                }
                try (ThreadPool one = new ThreadPool(1)) {
                    assertThat(Gemm.linear(one, x, m, bias).toArray())
                            .as("%s, %d rows, 1 thread", h.dtype(), rows)
                            .containsExactly(expected);
                }
            }
        }
    }

    @Test
    void aMappedEmbeddingTableGivesTheHeapRows() throws IOException {
        assumeTrue(MappedWeights.available());
        int rows = 2500, cols = 48; // more than two blocks of 1024 rows
        SplittableRandom r = new SplittableRandom(5);
        float[] values = random(r, rows, cols).toArray();
        Path file = cache.resolve("tables.bin");
        List<EmbeddingTable> heap = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        try (ThreadPool pool = new ThreadPool(2);
                FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (DType t : DType.values()) {
                EmbeddingTable table = EmbeddingTable.allocate(pool, rows, cols, t);
                table.putRows(values, 0, 0, rows);
                offsets.add(ch.position());
                table.writeTo(ch);
                heap.add(table);
            }
        }
        MappedWeights mapped = MappedWeights.map(file);
        float[] a = new float[cols], b = new float[cols];
        for (int i = 0; i < heap.size(); i++) {
            EmbeddingTable h = heap.get(i), m = mapped.embedding(offsets.get(i), rows, cols, h.dtype());
            for (int row : new int[] {0, 1023, 1024, 2047, 2499}) {
                h.row(row, a, 0);
                m.row(row, b, 0);
                assertThat(b).as("%s row %d", h.dtype(), row).containsExactly(a);
            }
        }
    }

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("tiny-altclip", WeightFormat.AS_STORED),
                Arguments.of("tiny-altclip", WeightFormat.INT8),
                Arguments.of("tiny-altclip", WeightFormat.BF16),
                Arguments.of("tiny-altclip-bf16", WeightFormat.AS_STORED),
                Arguments.of("tiny-altclip-f16", WeightFormat.AS_STORED),
                Arguments.of("tiny-altclip-vith", WeightFormat.AS_STORED));
    }

    /**
     * The first load writes the pre-packed file as it packs and runs on the weights mapped back from it; the second
     * maps the finished file. Both give every feature of the weights held in the heap bit for bit, with 1 and 2
     * threads.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("models")
    void aModelLoadedFromItsPrePackedFileGivesTheHeapModelsBits(String variant, WeightFormat format)
            throws IOException {
        assumeTrue(MappedWeights.available());
        Path model = Reference.fixtures().resolve(variant);
        AltClipModel heap = heapModel(model, format);
        List<String> warnings = new ArrayList<>();
        AltClipModel writing = AltClipModel.load(model, format, warnings::add);
        assertThat(writing.weightsMapped()).isTrue();
        assertThat(panelFiles()).hasSize(1);
        AltClipModel mapped = AltClipModel.load(model, format, warnings::add);
        assertThat(mapped.weightsMapped()).isTrue();
        assertThat(warnings).isEmpty();
        assertSameFeatures(heap, writing);
        assertSameFeatures(heap, mapped);
    }

    private static AltClipModel heapModel(Path model, WeightFormat format) throws IOException {
        String cache = System.getProperty("altclip4j.cache");
        System.setProperty("altclip4j.cache", "off");
        try {
            AltClipModel heap = AltClipModel.load(model, format, w -> {});
            assertThat(heap.weightsMapped()).isFalse();
            return heap;
        } finally {
            System.setProperty("altclip4j.cache", cache);
        }
    }

    @Test
    void aDamagedPrePackedFileIsRefusedSaidAndWrittenAgain() throws IOException {
        assumeTrue(MappedWeights.available());
        Path model = Reference.fixtures().resolve("tiny-altclip");
        AltClipModel heap = heapModel(model, WeightFormat.AS_STORED);
        AltClipModel.load(model, WeightFormat.AS_STORED, w -> {});
        Path file = panelFiles().get(0);
        byte[] good = Files.readAllBytes(file);

        byte[] flipped = good.clone();
        flipped[flipped.length - 10] ^= 1; // inside the header, which comes last
        Files.write(file, flipped);
        assertRefusedThenRewritten(model, heap, "header checksum mismatch");

        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(good.length / 2);
        }
        assertRefusedThenRewritten(model, heap, "header of ");

        // Half the regions cut out, the header kept intact and pointed at: its entries now reach past the end.
        ByteBuffer prefix = ByteBuffer.wrap(good, 0, 32).order(ByteOrder.LITTLE_ENDIAN);
        int headerAt = (int) prefix.getLong(24), cut = headerAt / 2;
        byte[] shortened = new byte[cut + good.length - headerAt];
        System.arraycopy(good, 0, shortened, 0, cut);
        System.arraycopy(good, headerAt, shortened, cut, good.length - headerAt);
        ByteBuffer.wrap(shortened).order(ByteOrder.LITTLE_ENDIAN).putLong(24, cut);
        Files.write(file, shortened);
        assertRefusedThenRewritten(model, heap, "lies outside the file");

        Files.write(file, new byte[10]);
        assertRefusedThenRewritten(model, heap, "truncated: 10 bytes");

        Files.write(file, "not the pre-packed format, but long enough to read a prefix".getBytes());
        assertRefusedThenRewritten(model, heap, "not a pre-packed weights file");

        // Another model's valid file under this one's name: its header names the checkpoint it was made from.
        System.setProperty("altclip4j.cache", cache.resolve("other").toString());
        AltClipModel.load(Reference.fixtures().resolve("tiny-altclip-bf16"), WeightFormat.AS_STORED, w -> {});
        Path other;
        try (Stream<Path> s = Files.list(cache.resolve("other/panels"))) {
            other = s.findFirst().orElseThrow();
        }
        System.setProperty("altclip4j.cache", cache.toString());
        Files.copy(other, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertRefusedThenRewritten(model, heap, "made from another checkpoint");
    }

    /** A checkpoint replaced or touched gets a new file; the old one is deleted when the new one is written. */
    @Test
    void aChangedCheckpointGetsANewFileAndTheOldOneGoes(@TempDir Path folder) throws IOException {
        assumeTrue(MappedWeights.available());
        try (Stream<Path> files = Files.list(Reference.fixtures().resolve("tiny-altclip"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) Files.copy(f, folder.resolve(f.getFileName()));
        }
        AltClipModel.load(folder, WeightFormat.AS_STORED, w -> {});
        List<Path> first = panelFiles();
        Path checkpoint = folder.resolve("model.safetensors");
        Files.setLastModifiedTime(
                checkpoint,
                FileTime.fromMillis(Files.getLastModifiedTime(checkpoint).toMillis() + 60_000));
        AltClipModel.load(folder, WeightFormat.AS_STORED, w -> {}); // packed again, into a new file
        List<Path> second = panelFiles();
        assertThat(second).hasSize(1).doesNotContainAnyElementsOf(first);
        assertThat(AltClipModel.load(folder, WeightFormat.AS_STORED, w -> {}).weightsMapped())
                .isTrue();
    }

    /** A cache folder that cannot be created: one warning, and the model runs from the heap. */
    @Test
    void anUnwritableCacheLeavesTheWeightsInTheHeap() throws IOException {
        assumeTrue(MappedWeights.available());
        Path blocker = cache.resolve("a-file");
        Files.writeString(blocker, "in the way");
        System.setProperty("altclip4j.cache", blocker.resolve("cache").toString());
        List<String> warnings = new ArrayList<>();
        AltClipModel model =
                AltClipModel.load(Reference.fixtures().resolve("tiny-altclip"), WeightFormat.AS_STORED, warnings::add);
        assertThat(model.weightsMapped()).isFalse();
        assertThat(warnings).singleElement().asString().contains("could not write the pre-packed weights", "a-file");
    }

    private void assertRefusedThenRewritten(Path model, AltClipModel heap, String why) throws IOException {
        List<String> warnings = new ArrayList<>();
        AltClipModel again = AltClipModel.load(model, WeightFormat.AS_STORED, warnings::add);
        assertThat(again.weightsMapped()).as("written again while loading").isTrue();
        assertThat(warnings)
                .singleElement()
                .asString()
                .startsWith(panelFiles().get(0) + ": pre-packed weights refused: ")
                .contains(why, "writing it again");
        assertSameFeatures(heap, again);
        AltClipModel mapped = AltClipModel.load(model, WeightFormat.AS_STORED, w -> {
            throw new AssertionError(w);
        });
        assertThat(mapped.weightsMapped()).as("written again after: %s", why).isTrue();
        assertSameFeatures(heap, mapped);
    }

    private List<Path> panelFiles() throws IOException {
        try (Stream<Path> s = Files.list(cache.resolve("panels"))) {
            return s.filter(f -> f.toString().endsWith(".panels")).toList();
        }
    }

    /** Text and image features of the fixture's padded batch, 1 and 2 threads, bit for bit. */
    private static void assertSameFeatures(AltClipModel expected, AltClipModel actual) throws IOException {
        try (SafetensorsFile ref =
                SafetensorsFile.open(Reference.fixtures().resolve("tiny-altclip/expected/batch_padding.safetensors"))) {
            int[][] ids = Reference.ints2d(ref, "input_ids"), mask = Reference.ints2d(ref, "attention_mask");
            int size = expected.config().vision().imageSize();
            FloatTensor pixels = random(new SplittableRandom(9), 2, 3 * size * size);
            FloatTensor images = FloatTensor.wrap(pixels.data(), 2, 3, size, size);
            float[] text, image;
            try (ThreadPool two = new ThreadPool(2)) {
                text = expected.textFeatures(two, ids, mask).features().toArray();
                image = expected.imageFeatures(two, images).features().toArray();
                assertThat(actual.textFeatures(two, ids, mask).features().toArray())
                        .containsExactly(text);
                assertThat(actual.imageFeatures(two, images).features().toArray())
                        .containsExactly(image);
            }
            try (ThreadPool one = new ThreadPool(1)) {
                assertThat(actual.textFeatures(one, ids, mask).features().toArray())
                        .containsExactly(text);
                assertThat(actual.imageFeatures(one, images).features().toArray())
                        .containsExactly(image);
            }
        }
    }

    private static FloatTensor random(SplittableRandom r, int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextDouble() - 0.5);
        return FloatTensor.wrap(v, rows, cols);
    }
}
