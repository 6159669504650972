package io.github.altclip4j.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.altclip4j.AltClip;
import io.github.altclip4j.index.ImageIndex;
import io.github.altclip4j.index.IndexProgress;
import io.github.altclip4j.index.IndexUpdate;
import io.github.altclip4j.index.KeepRule;
import io.github.altclip4j.index.UpdateOptions;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code altclip index} / {@code search} end to end on the tiny model: a folder of every fixture image plus broken
 * files, incremental updates, a killed indexer, search against a brute-force double ranking, hostile index files.
 */
class ImageIndexTest {
    private static AltClip clip;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() throws IOException {
        clip = AltClip.load(
                Reference.fixtures().resolve("tiny-altclip"),
                AltClip.Options.defaults().withThreads(2));
    }

    @AfterAll
    static void close() {
        clip.close();
    }

    /** Every fixture image (a few in a subfolder), an empty file, a text file named .jpg, a corrupt PNG. */
    private Path photos() throws IOException {
        Path photos = tmp.resolve("photos");
        Files.createDirectories(photos.resolve("sub/deeper"));
        try (Stream<Path> s = Files.list(Reference.fixtures().resolve("images/files"))) {
            for (Path f : s.toList()) {
                String n = f.getFileName().toString();
                Files.copy(
                        f,
                        photos.resolve(
                                n.startsWith("gray") ? "sub/" + n : n.startsWith("small") ? "sub/deeper/" + n : n));
            }
        }
        Files.write(photos.resolve("empty.png"), new byte[0]);
        Files.writeString(photos.resolve("notes.jpg"), "not an image", StandardCharsets.UTF_8);
        byte[] png = Files.readAllBytes(Reference.fixtures().resolve("images/files/rgba_320x240.png"));
        for (int i = 100; i < png.length; i += 7) png[i] ^= 0x5A;
        Files.write(photos.resolve("sub/corrupt.png"), png);
        Files.writeString(photos.resolve("readme.txt"), "skipped: not an image name", StandardCharsets.UTF_8);
        return photos;
    }

    /** A small PNG whose pixels depend on {@code seed}: bytes no other test image has. */
    static void writeDistinctPng(Path file, int seed) throws IOException {
        BufferedImage img = new BufferedImage(24, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++)
            for (int x = 0; x < 24; x++)
                img.setRGB(x, y, (int) ((seed * 2654435761L + x * 40503 + y * 9973) >>> 8 & 0xFFFFFF));
        ImageIO.write(img, "png", file.toFile());
    }

    private static long idOf(ImageIndex index, String path) throws IOException {
        return index.entries().stream()
                .filter(e -> e.path().equals(path))
                .findFirst()
                .orElseThrow()
                .id();
    }

    private static long fileCount(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    private static final List<String> BROKEN = List.of("empty.png", "notes.jpg", "sub/corrupt.png");

    private static IndexUpdate.Summary update(ImageIndex index) throws IOException {
        return index.update(clip, new UpdateOptions(3, List.of(), List.of(), false, 2), IndexProgress.NONE);
    }

    @Test
    void everyGoodImageHasTheEmbeddingAltclipEmbedGivesAndErrorsAreListed() throws IOException {
        Path photos = photos();
        ImageIndex index = ImageIndex.create(tmp.resolve("idx"), photos, clip.modelFolder(), ImageIndex.Store.F32);
        IndexUpdate.Summary s = update(index);
        int good = 12;
        assertThat(s.found()).isEqualTo(good + BROKEN.size());
        assertThat(s.embedded()).isEqualTo(good);
        assertThat(s.failed()).isEqualTo(BROKEN.size());
        List<ImageIndex.Entry> entries = index.entries();
        assertThat(entries).hasSize(good);
        List<Path> files = entries.stream().map(e -> photos.resolve(e.path())).toList();
        List<float[]> expected = clip.embedImages(files); // what altclip embed computes for them
        ImageIndex reopened = ImageIndex.open(index.dir());
        for (int r = 0; r < entries.size(); r++) {
            assertThat(reopened.vector(r)).as(entries.get(r).path()).containsExactly(expected.get(r));
            assertThat(entries.get(r).size()).isEqualTo(Files.size(files.get(r)));
        }
        assertThat(index.failures()).extracting(ImageIndex.Failure::path).containsExactlyInAnyOrderElementsOf(BROKEN);
        assertThat(index.failures()).allSatisfy(f -> assertThat(f.error()).contains(f.path()));
        // widths and heights as decoded
        ImageIndex.Entry large = entries.stream()
                .filter(e -> e.path().equals("large_1920x1080.jpg"))
                .findFirst()
                .orElseThrow();
        assertThat(large.width()).isEqualTo(1920);
        assertThat(large.height()).isEqualTo(1080);
    }

    @Test
    void reRunsEmbedOnlyWhatChangedAndKeepRowsAligned() throws IOException {
        Path photos = photos();
        ImageIndex index = ImageIndex.create(tmp.resolve("idx"), photos, clip.modelFolder(), ImageIndex.Store.F32);
        update(index);
        IndexUpdate.Summary again = update(index);
        assertThat(again.embedded()).isZero();
        assertThat(again.failed()).isZero();
        assertThat(again.unchanged()).isEqualTo(again.found());

        Files.copy(Reference.fixtures().resolve("images/files/small_64x48.png"), photos.resolve("added.png"));
        Files.delete(photos.resolve("palette_256x200.png"));
        Files.copy(
                Reference.fixtures().resolve("images/files/rgb24_150x100.bmp"),
                photos.resolve("rgb_baseline_400x300.jpg.bmp"));
        writeDistinctPng(photos.resolve("new.png"), 7);
        Path touched = photos.resolve("rgba_320x240.png");
        long touchedId = idOf(index, "rgba_320x240.png");
        Files.setLastModifiedTime(
                touched, FileTime.fromMillis(Files.getLastModifiedTime(touched).toMillis() + 5000));
        Files.writeString(photos.resolve("notes.jpg"), "still not an image, but changed", StandardCharsets.UTF_8);
        IndexUpdate.Summary s = update(index);
        assertThat(s.embedded()).isEqualTo(1); // new.png
        assertThat(s.copied()).isEqualTo(2); // added.png and the .bmp hold the bytes of indexed files
        assertThat(s.moved()).isZero();
        assertThat(s.failed()).isEqualTo(1); // notes.jpg changed, tried again
        assertThat(s.removed()).isEqualTo(1); // the deleted file's row
        ImageIndex fresh = ImageIndex.open(tmp.resolve("idx"));
        assertThat(idOf(fresh, "rgba_320x240.png"))
                .as("touched, same bytes: same id")
                .isEqualTo(touchedId);
        Set<String> paths = new HashSet<>();
        for (ImageIndex.Entry e : fresh.entries())
            assertThat(paths.add(e.path())).as("no duplicate rows: " + e.path()).isTrue();
        assertThat(paths).contains("added.png", "rgba_320x240.png").doesNotContain("palette_256x200.png");
        assertThat(fresh.failures()).hasSize(BROKEN.size());
        // every row's vector is its own file's embedding: the image query of each file finds itself first
        for (int r = 0; r < fresh.entries().size(); r++) {
            Path file = photos.resolve(fresh.entries().get(r).path());
            ImageIndex.Result top = fresh.search(
                            clip, clip.embedImages(List.of(file)).get(0), 1, -1)
                    .get(0);
            assertThat(top.score()).isGreaterThan(0.99999f);
            if (top.row() != r)
                assertThat(Files.mismatch(file, top.path()))
                        .as("row %d: %s found %s", r, file, top.path())
                        .isEqualTo(-1L);
        }
    }

    @Test
    void searchRanksLikeABruteForceDoubleComputationWithTiesByRow() throws IOException {
        Path photos = photos();
        ImageIndex index = ImageIndex.create(tmp.resolve("idx"), photos, clip.modelFolder(), ImageIndex.Store.F32);
        update(index);
        List<ImageIndex.Entry> entries = index.entries();
        List<float[]> stored = clip.embedImages(
                entries.stream().map(e -> photos.resolve(e.path())).toList());
        for (String text : List.of("a photo of a cat", "一只在沙发上睡觉的猫", "red car in the snow")) {
            float[] q = clip.embedText(text);
            List<ImageIndex.Result> got = index.search(clip, q, 5, Float.NEGATIVE_INFINITY);
            List<double[]> ref = new ArrayList<>();
            for (int r = 0; r < stored.size(); r++) {
                double s = 0;
                for (int i = 0; i < q.length; i++) s += (double) q[i] * stored.get(r)[i];
                ref.add(new double[] {r, s});
            }
            ref.sort(Comparator.comparingDouble((double[] x) -> -x[1]).thenComparingDouble(x -> x[0]));
            for (int i = 0; i < got.size(); i++) {
                assertThat((double) got.get(i).score()).isCloseTo(ref.get(i)[1], Offset.offset(1e-5));
                assertThat(got.get(i).row()).isEqualTo((int) ref.get(i)[0]);
                assertThat(got.get(i).path())
                        .isEqualTo(photos.resolve(entries.get(got.get(i).row()).path()));
            }
            float min = got.get(2).score();
            assertThat(index.search(clip, q, 100, min))
                    .hasSizeGreaterThanOrEqualTo(3)
                    .allSatisfy(r -> assertThat(r.score()).isGreaterThanOrEqualTo(min));
            assertThat(index.search(clip, q, 100, Math.nextUp(got.get(0).score())))
                    .isEmpty();
        }
    }

    @Test
    void compactStoresRankAlmostAsF32() throws IOException {
        Path photos = photos();
        ImageIndex f32 = ImageIndex.create(tmp.resolve("f32"), photos, clip.modelFolder(), ImageIndex.Store.F32);
        update(f32);
        for (ImageIndex.Store store : new ImageIndex.Store[] {ImageIndex.Store.BF16, ImageIndex.Store.INT8}) {
            ImageIndex other = ImageIndex.create(tmp.resolve(store.name()), photos, clip.modelFolder(), store);
            update(other);
            float[] q = clip.embedText("a photo of a cat");
            List<ImageIndex.Result> a = f32.search(clip, q, 12, -1), b = other.search(clip, q, 12, -1);
            for (int i = 0; i < a.size(); i++) {
                assertThat(b.get(i).score())
                        .as(store + " rank " + i)
                        .isCloseTo(a.get(i).score(), Offset.offset(0.01f));
            }
        }
    }

    @Test
    void aKilledIndexerLosesAtMostItsBatchAndTheNextRunCompletesWithoutDuplicates() throws Exception {
        Path photos = tmp.resolve("many");
        Files.createDirectories(photos);
        List<Path> sources;
        try (Stream<Path> s = Files.list(Reference.fixtures().resolve("images/files"))) {
            sources = s.filter(f -> !f.getFileName().toString().startsWith("large"))
                    .sorted()
                    .toList();
        }
        for (int i = 0; i < 120; i++) {
            Path src = sources.get(i % sources.size());
            Files.copy(src, photos.resolve(String.format("%03d-%s", i, src.getFileName())));
        }
        Path idx = tmp.resolve("idx");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(
                        java,
                        "--add-modules",
                        "jdk.incubator.vector",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "io.github.altclip4j.cli.Main",
                        "index",
                        "--model",
                        Reference.fixtures().resolve("tiny-altclip").toString(),
                        "--batch",
                        "2",
                        "--threads",
                        "1",
                        "--index",
                        idx.toString(),
                        photos.toString())
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("child.log").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && p.isAlive()) {
            Path h = idx.resolve("index.json");
            if (Files.exists(h) && Files.readString(h).contains("\"id\": 4,")) break; // a few batches committed
            Thread.sleep(5);
        }
        assertThat(p.isAlive())
                .as("the child was still indexing: " + Files.readString(tmp.resolve("child.log")))
                .isTrue();
        p.destroyForcibly().waitFor();
        long before = ImageIndex.open(idx).size();
        assertThat(before).isPositive().isLessThan(120);
        ImageIndex index = ImageIndex.open(idx);
        IndexUpdate.Summary s = update(index);
        assertThat(s.unchanged()).isEqualTo(before);
        // the photos are copies of a dozen files: those whose bytes the killed run indexed are copied, not embedded
        assertThat(s.embedded() + s.copied()).isEqualTo(120 - before);
        ImageIndex done = ImageIndex.open(idx);
        assertThat(done.size()).isEqualTo(120);
        assertThat(done.entries().stream()
                        .map(ImageIndex.Entry::path)
                        .distinct()
                        .count())
                .isEqualTo(120);
        try (Stream<Path> left = Files.list(idx)) {
            assertThat(left.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".partial")))
                    .isEmpty();
        }
    }

    /**
     * A reader that read the header before another process's commit merged the segments it lists (and deleted their
     * files) loads the newer commit whole instead of failing or mixing the two.
     */
    @Test
    void aReaderSeesOneWholeCommitWhileAWriterMergesUnderIt() throws IOException {
        Path photos = Files.createDirectories(tmp.resolve("many"));
        Path image = Reference.fixtures().resolve("images/files/rgb_baseline_400x300.jpg");
        for (int i = 0; i < 15; i++) Files.copy(image, photos.resolve("copy" + i + ".jpg"));
        Path dir = tmp.resolve("many.index");
        UpdateOptions oneByOne = new UpdateOptions(1, List.of(), List.of(), false, 1);
        ImageIndex.create(dir, photos, clip.modelFolder(), ImageIndex.Store.F32)
                .update(clip, oneByOne, IndexProgress.NONE);
        ImageIndex reader = ImageIndex.open(dir); // reads the header of 15 one-row segments, nothing else
        assertThat(reader.size()).isEqualTo(15);

        Files.copy(image, photos.resolve("copy15.jpg"));
        long filesBefore = fileCount(dir);
        ImageIndex writer = ImageIndex.open(dir);
        writer.update(clip, oneByOne, IndexProgress.NONE); // a 16th segment: the 16 merge into one, the others go
        assertThat(fileCount(dir))
                .as("the segment files the reader's header lists were deleted")
                .isLessThan(filesBefore);
        assertThat(reader.changedOnDisk()).isTrue();

        float[] query = clip.embedText("a photo");
        List<ImageIndex.Result> seen = reader.search(clip, query, 100, -1f);
        assertThat(seen).hasSize(16).isEqualTo(writer.search(clip, query, 100, -1f));
        assertThat(reader.size()).isEqualTo(16);
        assertThat(reader.changedOnDisk()).isFalse();
    }

    @Test
    void aSecondUpdaterIsRefusedWhileTheLockIsHeld() throws Exception {
        Path photos = photos();
        ImageIndex index = ImageIndex.create(tmp.resolve("idx"), photos, clip.modelFolder(), ImageIndex.Store.F32);
        try (RandomAccessFile f = new RandomAccessFile(tmp.resolve("idx/lock").toFile(), "rw");
                var lock = f.getChannel().lock()) {
            assertThatThrownBy(() -> update(index)).hasMessageContaining("another process is updating this index");
        }
        assertThat(update(index).embedded()).isEqualTo(12);
    }

    @Test
    void anotherModelIsRefused() throws IOException {
        ImageIndex index = ImageIndex.create(tmp.resolve("idx"), photos(), clip.modelFolder(), ImageIndex.Store.F32);
        try (AltClip other = AltClip.load(Reference.fixtures().resolve("tiny-altclip-vith"))) {
            assertThatThrownBy(() -> index.search(other, new float[48], 3, -1))
                    .hasMessageContaining("was made with the model \"tiny-altclip\"");
        }
    }

    @Test
    void hostileIndexFilesGiveAClearErrorNamingTheFile() throws IOException {
        Path photos = photos();
        Path idx = tmp.resolve("idx");
        update(ImageIndex.create(idx, photos, clip.modelFolder(), ImageIndex.Store.F32));
        Path npy = idx.resolve("seg-000001.npy");
        byte[] good = Files.readAllBytes(npy);
        Files.write(npy, Arrays.copyOf(good, good.length - 10));
        assertThatThrownBy(() -> ImageIndex.open(idx).entries())
                .hasMessageContaining("seg-000001.npy")
                .hasMessageContaining("truncated");
        byte[] huge = good.clone();
        String header =
                new String(huge, 0, 128, StandardCharsets.ISO_8859_1).replaceFirst("\\(\\d+, 32\\)", "(999999999, 9)");
        System.arraycopy(header.getBytes(StandardCharsets.ISO_8859_1), 0, huge, 0, 128);
        Files.write(npy, huge);
        assertThatThrownBy(() -> ImageIndex.open(idx).entries())
                .hasMessageContaining("seg-000001.npy")
                .hasMessageContaining("does not match");
        Files.write(npy, good);
        Path lines = idx.resolve("seg-000001.jsonl");
        Files.writeString(lines, Files.readString(lines).replaceFirst("\\{", "{oops"));
        assertThatThrownBy(() -> ImageIndex.open(idx).entries()).hasMessageContaining("seg-000001.jsonl: line 1");
        Files.writeString(idx.resolve("index.json"), "{\"format\": \"altclip4j-image-index\", \"version\": 1}");
        assertThatThrownBy(() -> ImageIndex.open(idx))
                .hasMessageContaining("index.json")
                .hasMessageContaining("\"store\"");
        assertThatThrownBy(() -> ImageIndex.open(tmp.resolve("nothing"))).hasMessageContaining("not an index");
    }

    @Test
    void duplicatesJoinCopiesIntoGroups() throws IOException {
        Path photos = tmp.resolve("dups");
        Files.createDirectories(photos);
        Path a = Reference.fixtures().resolve("images/files/rgb_baseline_400x300.jpg");
        Files.copy(a, photos.resolve("a.jpg"));
        Files.copy(a, photos.resolve("a-copy.jpg"));
        Files.copy(Reference.fixtures().resolve("images/files/gray16_300x200.png"), photos.resolve("z.png"));
        ImageIndex index = ImageIndex.create(tmp.resolve("idx"), photos, clip.modelFolder(), ImageIndex.Store.F32);
        update(index);
        List<ImageIndex.DuplicateGroup> groups = index.duplicates(0.99999f, KeepRule.LARGEST);
        assertThat(groups).hasSize(1);
        assertThat(groups.get(0).images())
                .extracting(r -> r.path().getFileName().toString())
                .containsExactly("a-copy.jpg", "a.jpg");
    }
}
