package io.github.altclip4j.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.altclip4j.AltClip;
import io.github.altclip4j.index.ImageIndex;
import io.github.altclip4j.index.IndexProgress;
import io.github.altclip4j.index.IndexUpdate;
import io.github.altclip4j.index.UpdateOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every indexed photo keeps its id across updates; a moved, renamed or copied file whose bytes are indexed reuses its
 * row's vector with no model at all (the update is run with none); an index of format 1 is refused by readers with
 * what to do, and upgraded by an update: ids in row order, the SHA-256 of each file, vectors untouched.
 */
class StableIdsTest {
    private static AltClip clip;
    private static final UpdateOptions OPTIONS = new UpdateOptions(8, List.of(), List.of(), false, 1);

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

    /** {@code n} photos of distinct bytes under {@code dir/a}. */
    private static Path photos(Path dir, int n) throws IOException {
        Files.createDirectories(dir.resolve("a"));
        for (int i = 0; i < n; i++) ImageIndexTest.writeDistinctPng(dir.resolve(String.format("a/%04d.png", i)), i);
        return dir;
    }

    /** Runs an update that must not need the model: nothing to embed, so it is given none. */
    private static IndexUpdate.Summary updateWithoutModel(ImageIndex index) throws IOException {
        try (IndexUpdate u = index.beginUpdate(clip.modelFolder(), OPTIONS)) {
            assertThat(u.toEmbed())
                    .as("files the update would run the model on")
                    .isZero();
            return u.run(null, IndexProgress.NONE);
        }
    }

    private static Map<String, ImageIndex.Entry> byPath(ImageIndex index) throws IOException {
        return index.entries().stream().collect(Collectors.toMap(ImageIndex.Entry::path, e -> e));
    }

    private static Map<String, float[]> vectors(ImageIndex index) throws IOException {
        Map<String, float[]> out = new HashMap<>();
        List<ImageIndex.Entry> e = index.entries();
        for (int r = 0; r < e.size(); r++) out.put(e.get(r).path(), index.vector(r));
        return out;
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    @Test
    void renamingAThousandPhotosRunsNoModelAndKeepsEveryId() throws Exception {
        int n = 1000;
        Path photos = photos(tmp.resolve("photos"), n);
        ImageIndex index = ImageIndex.create(tmp.resolve("idx"), photos, clip.modelFolder(), ImageIndex.Store.F32);
        assertThat(index.update(clip, OPTIONS, IndexProgress.NONE).embedded()).isEqualTo(n);
        Map<String, ImageIndex.Entry> before = byPath(index);
        Map<String, float[]> vectorsBefore = vectors(index);
        assertThat(before.values().stream().map(ImageIndex.Entry::id).distinct())
                .hasSize(n);

        // every photo renamed into another folder; two of them copied as well
        Files.createDirectories(photos.resolve("b/c"));
        Map<String, String> renamed = new HashMap<>();
        for (int i = 0; i < n; i++) {
            String from = String.format("a/%04d.png", i), to = String.format("b/c/renamed-%04d.png", i);
            Files.move(photos.resolve(from), photos.resolve(to));
            renamed.put(to, from);
        }
        Files.copy(photos.resolve("b/c/renamed-0003.png"), photos.resolve("copy-3.png"));
        Files.copy(photos.resolve("b/c/renamed-0500.png"), photos.resolve("copy-500.png"));

        IndexUpdate.Summary s = updateWithoutModel(index);
        assertThat(s.moved()).isEqualTo(n);
        assertThat(s.copied()).isEqualTo(2);
        assertThat(s.embedded()).isZero();
        assertThat(s.removed()).isZero();
        assertThat(s.found()).isEqualTo(n + 2);

        ImageIndex after = ImageIndex.open(index.dir());
        Map<String, ImageIndex.Entry> now = byPath(after);
        Map<String, float[]> vectorsNow = vectors(after);
        assertThat(now).hasSize(n + 2);
        Set<Long> oldIds = new HashSet<>();
        for (ImageIndex.Entry e : before.values()) oldIds.add(e.id());
        for (Map.Entry<String, String> r : renamed.entrySet()) {
            assertThat(now.get(r.getKey()).id())
                    .as(r.getKey())
                    .isEqualTo(before.get(r.getValue()).id());
            assertThat(vectorsNow.get(r.getKey())).containsExactly(vectorsBefore.get(r.getValue()));
            assertThat(now.get(r.getKey()).sha256()).isEqualTo(sha256(photos.resolve(r.getKey())));
        }
        for (String copy : List.of("copy-3.png", "copy-500.png")) {
            assertThat(oldIds)
                    .as("a copy gets a new id")
                    .doesNotContain(now.get(copy).id());
            String source = copy.equals("copy-3.png") ? "a/0003.png" : "a/0500.png";
            assertThat(vectorsNow.get(copy)).containsExactly(vectorsBefore.get(source));
        }
        assertThat(now.get("copy-3.png").id())
                .isNotEqualTo(now.get("copy-500.png").id());

        // a search names the same image by the same id before and after
        float[] query = vectorsBefore.get("a/0042.png");
        ImageIndex.Result first = index.search(clip, query, 1, -1f).get(0);
        ImageIndex.Result second = after.search(clip, query, 1, -1f).get(0);
        assertThat(second.id())
                .isEqualTo(first.id())
                .isEqualTo(before.get("a/0042.png").id());
        assertThat(second.path()).isEqualTo(photos.resolve("b/c/renamed-0042.png"));
        assertThat(after.row(second.id())).isEqualTo(second.row());
        assertThat(after.row(Long.MAX_VALUE)).isEqualTo(-1);
    }

    @Test
    void aMovedFileWhoseOldPathGotNewBytesKeepsItsIdAndTheNewFileIsEmbedded() throws Exception {
        Path photos = photos(tmp.resolve("photos"), 3);
        ImageIndex index = ImageIndex.create(tmp.resolve("idx"), photos, clip.modelFolder(), ImageIndex.Store.INT8);
        index.update(clip, OPTIONS, IndexProgress.NONE);
        Map<String, ImageIndex.Entry> before = byPath(index);
        Map<String, float[]> vectorsBefore = vectors(index);
        Files.move(photos.resolve("a/0001.png"), photos.resolve("moved.png"));
        ImageIndexTest.writeDistinctPng(photos.resolve("a/0001.png"), 99); // new bytes at the old path

        IndexUpdate.Summary s = index.update(clip, OPTIONS, IndexProgress.NONE);
        assertThat(s.moved()).isEqualTo(1);
        assertThat(s.embedded()).isEqualTo(1);
        assertThat(s.removed()).isZero();
        Map<String, ImageIndex.Entry> now = byPath(ImageIndex.open(index.dir()));
        Map<String, float[]> vectorsNow = vectors(ImageIndex.open(index.dir()));
        assertThat(now.get("moved.png").id()).isEqualTo(before.get("a/0001.png").id());
        assertThat(vectorsNow.get("moved.png")).containsExactly(vectorsBefore.get("a/0001.png")); // int8 as stored
        assertThat(now.get("a/0001.png").id())
                .isNotIn(before.values().stream().map(ImageIndex.Entry::id).toList());
        assertThat(now.get("a/0000.png").id())
                .isEqualTo(before.get("a/0000.png").id());
    }

    @Test
    void aVersion1IndexIsRefusedByReadersAndUpgradedByAnUpdateWithoutTheModel() throws Exception {
        Path photos = photos(tmp.resolve("photos"), 5);
        Path dir = tmp.resolve("idx");
        ImageIndex index = ImageIndex.create(dir, photos, clip.modelFolder(), ImageIndex.Store.BF16);
        index.update(clip, OPTIONS, IndexProgress.NONE);
        Files.delete(photos.resolve("a/0002.png")); // a deleted row, so ids count deleted rows too
        updateWithoutModel(index);
        Map<String, float[]> vectorsBefore = vectors(ImageIndex.open(dir));

        // Rewrite it as format 1 wrote it (docs/index-format.md of that version): no ids, no hashes, no next_id.
        Path header = dir.resolve("index.json");
        String h = Files.readString(header);
        assertThat(h).contains("\"version\": 2").containsPattern("\"next_id\": \\d+, ");
        Files.writeString(header, h.replace("\"version\": 2", "\"version\": 1").replaceAll("\"next_id\": \\d+, ", ""));
        List<Path> rowFiles;
        try (Stream<Path> s = Files.list(dir)) {
            rowFiles = s.filter(f ->
                            f.toString().endsWith(".jsonl") && !f.toString().endsWith(".errors.jsonl"))
                    .sorted()
                    .toList();
        }
        List<String> rowsInOrder = new ArrayList<>();
        for (Path f : rowFiles) {
            List<String> lines = new ArrayList<>();
            for (String line : Files.readAllLines(f)) {
                String v1 = line.replaceAll("\"id\": \\d+, ", "").replaceAll(", \"sha256\": \"[0-9a-f]{64}\"", "");
                assertThat(v1).doesNotContain("\"id\"").doesNotContain("sha256");
                lines.add(v1);
                rowsInOrder.add(v1.replaceAll(".*\"path\": \"([^\"]+)\".*", "$1"));
            }
            Files.write(f, lines);
        }
        byte[] vectorsFile = Files.readAllBytes(dir.resolve("seg-000001.npy"));

        assertThatThrownBy(() -> ImageIndex.open(dir).search(clip, vectorsBefore.get("a/0000.png"), 1, -1f))
                .hasMessageContaining("index format version 1")
                .hasMessageContaining("run `altclip index`");

        IndexUpdate.Summary s = updateWithoutModel(ImageIndex.open(dir));
        assertThat(s.unchanged()).isEqualTo(4);
        assertThat(Files.readString(header)).contains("\"version\": 2");
        assertThat(Files.readAllBytes(dir.resolve("seg-000001.npy"))).isEqualTo(vectorsFile);
        ImageIndex upgraded = ImageIndex.open(dir);
        List<ImageIndex.Entry> entries = upgraded.entries();
        for (ImageIndex.Entry e : entries) {
            // ids count every row of the segments in order, the deleted one included, from 1
            assertThat(e.id()).as(e.path()).isEqualTo(rowsInOrder.indexOf(e.path()) + 1L);
            assertThat(e.sha256()).isEqualTo(sha256(photos.resolve(e.path())));
        }
        assertThat(vectors(upgraded)).containsOnlyKeys(vectorsBefore.keySet().toArray(new String[0]));
        for (ImageIndex.Entry e : entries)
            assertThat(vectors(upgraded).get(e.path())).containsExactly(vectorsBefore.get(e.path()));

        // and the next photo gets an id after every upgraded one
        ImageIndexTest.writeDistinctPng(photos.resolve("later.png"), 1234);
        index.update(clip, OPTIONS, IndexProgress.NONE);
        assertThat(byPath(ImageIndex.open(dir)).get("later.png").id()).isEqualTo(rowsInOrder.size() + 1L);
    }
}
