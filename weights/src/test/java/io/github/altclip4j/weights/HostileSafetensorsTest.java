package io.github.altclip4j.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Files that are truncated, inconsistent or hostile: each must fail with its own clear error, fast. */
@Timeout(60)
class HostileSafetensorsTest {
    @TempDir
    Path tmp;

    private Path file(byte[] bytes) throws IOException {
        Path p = Files.createTempFile(tmp, "t", ".safetensors");
        Files.write(p, bytes);
        return p;
    }

    private static byte[] withHeader(String json, int dataBytes) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return b.array();
    }

    private void assertRefused(byte[] bytes, String messagePart) throws IOException {
        Path p = file(bytes);
        assertThatThrownBy(() -> {
                    try (SafetensorsFile f = SafetensorsFile.open(p)) {
                        for (TensorEntry e : f.tensors().values()) f.bytes(e);
                    }
                })
                .isInstanceOf(WeightFormatException.class)
                .hasMessageContaining(p.toString())
                .hasMessageContaining(messagePart);
    }

    @Test
    void headerLengthBeyondTheFile() throws IOException {
        byte[] b = withHeader("{}", 0);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40);
        assertRefused(b, "header length 1099511627776 exceeds the file size");
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, Long.MIN_VALUE); // 2^63 unsigned
        assertRefused(b, "header length 9223372036854775808 exceeds");
        assertRefused(new byte[5], "too short");
    }

    @Test
    void offsetsOutsideOverlappingOrInconsistent() throws IOException {
        assertRefused(
                withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4),
                "outside the data section");
        assertRefused(
                withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", 8),
                "outside the data section");
        assertRefused(
                withHeader(
                        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
                        12),
                "overlaps");
        assertRefused(
                withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8), "needs 12 bytes");
        assertRefused(
                withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}", 8),
                "too large");
        assertRefused(
                withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,8]}}", 8),
                "non-negative integer");
        assertRefused(
                withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", 8), "must have 2 entries");
    }

    @Test
    void unknownDtypeDuplicateNamesAndBadJson() throws IOException {
        assertRefused(
                withHeader("{\"a\":{\"dtype\":\"F128\",\"shape\":[1],\"data_offsets\":[0,16]}}", 16),
                "unsupported dtype \"F128\"");
        assertRefused(
                withHeader(
                        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
                        8),
                "duplicate key \"a\"");
        assertRefused(
                withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}}", 4),
                "unknown field \"x\"");
        assertRefused(withHeader("[1,2]", 0), "not an object");
        assertRefused(withHeader("{\"__metadata__\":{\"a\":1}}", 0), "__metadata__ field \"a\"");
        byte[] b = withHeader("{\"\u00e9\":1}", 0);
        b[10] = (byte) 0xFF; // breaks the UTF-8 of the key
        assertRefused(b, "invalid UTF-8");
    }

    @Test
    void truncatedAtManyOffsets() throws IOException {
        byte[] full = Files.readAllBytes(Fixtures.file("tiny-altclip/model.safetensors"));
        int headerEnd =
                8 + (int) ByteBuffer.wrap(full).order(ByteOrder.LITTLE_ENDIAN).getLong();
        for (int cut = 0; cut < full.length; cut += cut < headerEnd + 64 ? 97 : 9973) {
            Path p = file(Arrays.copyOf(full, cut));
            assertThatThrownBy(() -> SafetensorsFile.open(p).close())
                    .as("cut at %d", cut)
                    .isInstanceOf(WeightFormatException.class)
                    .hasMessageContaining(p.toString());
        }
    }

    /** Random byte mutations of a valid file: each must load cleanly or fail with a WeightFormatException. */
    @Test
    void fuzzedFilesLoadOrFailCleanly() throws IOException {
        byte[] valid = Files.readAllBytes(Fixtures.file("tiny-altclip/model.safetensors"));
        int headerEnd =
                8 + (int) ByteBuffer.wrap(valid).order(ByteOrder.LITTLE_ENDIAN).getLong();
        SplittableRandom r = new SplittableRandom(2026);
        int loaded = 0, refused = 0;
        Path p = tmp.resolve("fuzz.safetensors");
        for (int round = 0; round < 400; round++) {
            byte[] b = valid.clone();
            int edits = 1 + r.nextInt(4);
            for (int i = 0; i < edits; i++) {
                int at = r.nextInt(100) < 90 ? r.nextInt(headerEnd) : r.nextInt(b.length); // mostly the header
                b[at] = r.nextBoolean() ? (byte) r.nextInt(256) : (byte) "0123456789{}[],:\"".charAt(r.nextInt(17));
            }
            Files.write(p, b);
            try (SafetensorsFile f = SafetensorsFile.open(p)) {
                for (TensorEntry e : f.tensors().values()) {
                    if (e.type().isFloatingPoint()) f.readFloat(e.name());
                    else f.readLongs(e.name());
                }
                loaded++;
            } catch (WeightFormatException expected) {
                refused++;
            } catch (Throwable t) {
                fail("round " + round + ": " + t, t);
            }
        }
        assertThat(loaded + refused).isEqualTo(400);
        assertThat(refused).isPositive();
    }
}
