package io.github.altclip4j.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class TorchCheckpointTest {
    @TempDir
    Path tmp;

    @Test
    void theBinFixtureHoldsExactlyTheSafetensorsWeights() throws IOException {
        try (Checkpoint bin = Checkpoint.open(Fixtures.file("tiny-altclip-bin/pytorch_model.bin"));
                Checkpoint st = Checkpoint.open(Fixtures.file("tiny-altclip/model.safetensors"))) {
            assertThat(bin).isInstanceOf(TorchCheckpoint.class);
            assertThat(bin.tensors().keySet()).containsAll(st.tensors().keySet());
            for (String name : st.tensors().keySet()) {
                assertThat(bin.tensors().get(name).shape())
                        .as(name)
                        .isEqualTo(st.tensors().get(name).shape());
                float[] a = bin.readFloat(name).toArray(),
                        b = st.readFloat(name).toArray();
                for (int i = 0; i < a.length; i++) {
                    assertThat(Float.floatToRawIntBits(a[i]))
                            .as("%s[%d]", name, i)
                            .isEqualTo(Float.floatToRawIntBits(b[i]));
                }
            }
            // the int64 buffers that transformers < 4.31 saved (loaders must ignore them, readers must read them)
            assertThat(bin.tensors()
                            .get("text_model.roberta.embeddings.position_ids")
                            .type())
                    .isEqualTo(StoredType.I64);
            long[] pos = bin.readLongs("text_model.roberta.embeddings.position_ids");
            assertThat(pos).hasSize(40);
            for (int i = 0; i < pos.length; i++) assertThat(pos[i]).isEqualTo(i);
        }
    }

    /** Rewrites the fixture archive with data.pkl replaced (or other entries added). */
    private Path archive(byte[] pickle, Map<String, byte[]> extraDeflated) throws IOException {
        Path out = Files.createTempFile(tmp, "m", ".bin");
        try (ZipFile src = new ZipFile(
                        Fixtures.file("tiny-altclip-bin/pytorch_model.bin").toFile());
                ZipOutputStream zo = new ZipOutputStream(Files.newOutputStream(out))) {
            for (Enumeration<? extends ZipEntry> en = src.entries(); en.hasMoreElements(); ) {
                ZipEntry e = en.nextElement();
                byte[] data = src.getInputStream(e).readAllBytes();
                if (e.getName().endsWith("/data.pkl") && pickle != null) data = pickle;
                stored(zo, e.getName(), data);
            }
            for (Map.Entry<String, byte[]> x : extraDeflated.entrySet()) {
                zo.putNextEntry(new ZipEntry(x.getKey()));
                zo.write(x.getValue());
                zo.closeEntry();
            }
        }
        return out;
    }

    private static void stored(ZipOutputStream zo, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zo.putNextEntry(e);
        zo.write(data);
        zo.closeEntry();
    }

    private static byte[] pickleOf(String protocol0) {
        return protocol0.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void globalsOtherThanTensorsAreRefusedByName() throws IOException {
        Path system = archive(pickleOf("\u0080\u0002cos\nsystem\nX\u0005\u0000\u0000\u0000touch\u0085R."), Map.of());
        assertThatThrownBy(() -> Checkpoint.open(system))
                .isInstanceOf(WeightFormatException.class)
                .hasMessageContaining("\"os.system\"")
                .hasMessageContaining("not allowed");
        Path eval = archive(pickleOf("\u0080\u0002cbuiltins\neval\nX\u0001\u0000\u0000\u00001\u0085R."), Map.of());
        assertThatThrownBy(() -> Checkpoint.open(eval)).hasMessageContaining("\"builtins.eval\"");
        Path notADict = archive(pickleOf("\u0080\u0002K\u0001."), Map.of());
        assertThatThrownBy(() -> Checkpoint.open(notADict)).hasMessageContaining("does not hold a dict of tensors");
        Path truncated = archive(pickleOf("\u0080\u0002}q\u0000(X\u0005\u0000\u0000"), Map.of());
        assertThatThrownBy(() -> Checkpoint.open(truncated)).hasMessageContaining("truncated or malformed pickle");
    }

    /** Regression cases found by fuzzing (issue 12): each a specific message, no JDK exception, no object dump. */
    @Test
    void hostilePicklesFoundByFuzzingGiveSpecificErrors() throws IOException {
        // a dict used as its own key: hashing it would recurse without end
        Path selfKey = archive(pickleOf("\u0080\u0002}q\u0000h\u0000K\u0001s."), Map.of());
        assertThatThrownBy(() -> Checkpoint.open(selfKey))
                .isInstanceOf(WeightFormatException.class)
                .hasMessageContaining("a dict key at byte")
                .hasMessageContaining("is a dict, not a string or number");
        // a tensor with a negative storage offset (the extent check would be skipped for an empty tensor)
        String tensor = "ctorch._utils\n_rebuild_tensor_v2\n((X\u0007\u0000\u0000\u0000storagectorch\nFloatStorage\n"
                + "X\u0001\u0000\u0000\u00000X\u0003\u0000\u0000\u0000cpuK\u0001tQJ\u00ff\u00ff\u00ff\u00ffK\u0000\u0085K\u0001\u0085\u0089tR";
        Path negative = archive(pickleOf("\u0080\u0002}(X\u0001\u0000\u0000\u0000a" + tensor + "u."), Map.of());
        assertThatThrownBy(() -> Checkpoint.open(negative))
                .isInstanceOf(WeightFormatException.class)
                .hasMessageContaining("negative storage offset -1");
        // a state dict whose value is a big structure: the message says what it is, not what it holds
        Path notTensor = archive(
                pickleOf("\u0080\u0002}(X\u0001\u0000\u0000\u0000a]" + "K\u0001a".repeat(2000) + "u."), Map.of());
        assertThatThrownBy(() -> Checkpoint.open(notTensor))
                .isInstanceOf(WeightFormatException.class)
                .hasMessageContaining("state dict entry \"a\" is a list, not a tensor")
                .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(300));
    }

    @Test
    void aZipBombEntryIsRefusedBeforeInflating() throws IOException {
        byte[] zeros = new byte[50 << 20];
        Path bomb = Files.createTempFile(tmp, "bomb", ".bin");
        try (ZipOutputStream zo = new ZipOutputStream(Files.newOutputStream(bomb))) {
            zo.putNextEntry(new ZipEntry("archive/data.pkl"));
            zo.write(zeros);
            zo.closeEntry();
        }
        assertThat(Files.size(bomb)).isLessThan(1 << 20);
        assertThatThrownBy(() -> Checkpoint.open(bomb))
                .isInstanceOf(WeightFormatException.class)
                .hasMessageContaining("zip bomb");
    }

    @Test
    void anArchiveOfMoreEntriesThanAnyCheckpointIsRefusedBeforeItsEntriesAreRead() throws IOException {
        Path many = tmp.resolve("many.bin");
        try (ZipOutputStream zo = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(many), 1 << 20))) {
            zo.setMethod(ZipOutputStream.STORED);
            for (int i = 0; i <= TorchCheckpoint.MAX_ENTRIES; i++) {
                ZipEntry e = new ZipEntry(Integer.toString(i, 36));
                e.setSize(0);
                e.setCrc(0);
                zo.putNextEntry(e);
                zo.closeEntry();
            }
        }
        assertThatThrownBy(() -> Checkpoint.open(many))
                .isInstanceOf(WeightFormatException.class)
                .hasMessageContaining(many.toString())
                .hasMessageContaining("1048577 entries, more than 1048576");
    }

    @Test
    void fuzzedPicklesLoadOrFailCleanly() throws IOException {
        byte[] pickle;
        try (ZipFile src =
                new ZipFile(Fixtures.file("tiny-altclip-bin/pytorch_model.bin").toFile())) {
            ZipEntry e = src.stream()
                    .filter(x -> x.getName().endsWith("/data.pkl"))
                    .findFirst()
                    .orElseThrow();
            pickle = src.getInputStream(e).readAllBytes();
        }
        SplittableRandom r = new SplittableRandom(7);
        int refused = 0;
        for (int round = 0; round < 150; round++) {
            byte[] b = pickle.clone();
            for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) b[r.nextInt(b.length)] = (byte) r.nextInt(256);
            Path p = archive(b, Map.of());
            try (Checkpoint c = Checkpoint.open(p)) {
                for (TensorEntry t : c.tensors().values()) {
                    if (t.type().isFloatingPoint()) c.readFloat(t.name());
                    else c.readLongs(t.name());
                }
            } catch (WeightFormatException expected) {
                refused++;
            } catch (Throwable t) {
                fail("round " + round + ": " + t, t);
            }
        }
        assertThat(refused).isPositive();
    }
}
