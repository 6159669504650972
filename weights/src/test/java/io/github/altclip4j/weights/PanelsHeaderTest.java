package io.github.altclip4j.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.altclip4j.tensor.DType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pre-packed file's header table: round trip, and every malformed form refused with where it broke. */
class PanelsHeaderTest {
    private static final PanelsHeader HEADER = new PanelsHeader(
            1,
            new PanelsHeader.Key(
                    "/models/AltCLIP/模型.safetensors", 3456846316L, 1796293719714L, -7, 42, WeightFormat.INT8, 16),
            List.of(
                    new PanelsHeader.Entry(
                            "text_model.word_embeddings.weight", true, DType.I8, 250002, 1024, 0, 257_002_056),
                    new PanelsHeader.Entry("a.q+a.k+a.v", false, DType.BF16, 3072, 1024, 257_003_520, 6_291_456)));

    @Test
    void roundTrips() {
        assertThat(PanelsHeader.decode(HEADER.encode())).isEqualTo(HEADER);
    }

    @Test
    void everyTruncationIsRefusedNamingWhereItEnds() {
        byte[] bytes = HEADER.encode();
        for (int n = 0; n < bytes.length; n++) {
            byte[] cut = Arrays.copyOf(bytes, n);
            assertThatThrownBy(() -> PanelsHeader.decode(cut))
                    .as("cut at %d", n)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageMatching(
                            "(the version|the key|the entry count|entry [01])(: .*)?|the header ends inside .*");
        }
    }

    @Test
    void anEntryCountBeyondTheBytesIsRefusedBeforeAnythingIsAllocated() {
        byte[] bytes = HEADER.encode();
        int countAt = new PanelsHeader(1, HEADER.key(), List.of()).encode().length - 4;
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(countAt, Integer.MAX_VALUE);
        assertThatThrownBy(() -> PanelsHeader.decode(bytes))
                .hasMessageStartingWith("the entry count: 2147483647 entries in");
    }

    @Test
    void anUnknownTypeOrTrailingBytesAreRefused() {
        byte[] bytes = HEADER.encode();
        int dtypeAt = bytes.length - entryBytes() + 2 + "a.q+a.k+a.v".length() + 1;
        byte[] badType = bytes.clone();
        badType[dtypeAt] = 9;
        assertThatThrownBy(() -> PanelsHeader.decode(badType)).hasMessage("entry 1: flags 0, dtype 9");
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 3);
        assertThatThrownBy(() -> PanelsHeader.decode(longer)).hasMessageEndingWith("3 bytes after the last entry");
    }

    /** The encoded size of the second entry. */
    private static int entryBytes() {
        return 2 + "a.q+a.k+a.v".length() + 1 + 1 + 4 + 4 + 8 + 8;
    }
}
