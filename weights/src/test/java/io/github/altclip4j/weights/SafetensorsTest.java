package io.github.altclip4j.weights;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.altclip4j.tensor.DType;
import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.tensor.Half;
import io.github.altclip4j.tensor.HalfTensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir
    Path tmp;

    @Test
    void readsTheF32FixtureWithEveryTensorOfTheStateDict() throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(Fixtures.file("tiny-altclip/model.safetensors"))) {
            assertThat(f.tensors()).hasSize(83);
            assertThat(f.metadata()).containsEntry("format", "pt");
            TensorEntry scale = f.entry("logit_scale");
            assertThat(scale.shape()).isEmpty();
            assertThat(scale.type()).isEqualTo(StoredType.F32);
            float s = f.readFloat("logit_scale").get();
            assertThat(s).isBetween(3.0f, 4.6f);
            assertThat(f.entry("vision_model.embeddings.patch_embedding.weight").shape())
                    .containsExactly(48, 3, 7, 7);
            assertThat(f.entry("text_model.roberta.embeddings.word_embeddings.weight")
                            .shape())
                    .containsExactly(8002, 32);
        }
    }

    /** The BF16/F16 fixtures hold the F32 weights rounded to nearest even: widening them must give exactly that. */
    @Test
    void sixteenBitFixturesAreTheF32WeightsRounded() throws IOException {
        try (SafetensorsFile f32 = SafetensorsFile.open(Fixtures.file("tiny-altclip/model.safetensors"));
                SafetensorsFile bf16 = SafetensorsFile.open(Fixtures.file("tiny-altclip-bf16/model.safetensors"));
                SafetensorsFile f16 = SafetensorsFile.open(Fixtures.file("tiny-altclip-f16/model.safetensors"))) {
            assertThat(bf16.tensors().keySet()).isEqualTo(f32.tensors().keySet());
            assertThat(f16.tensors().keySet()).isEqualTo(f32.tensors().keySet());
            for (String name : f32.tensors().keySet()) {
                float[] ref = f32.readFloat(name).toArray();
                long[] shape = f32.entry(name).shape();
                assertThat(bf16.entry(name).shape()).isEqualTo(shape);
                assertThat(f16.entry(name).shape()).isEqualTo(shape);
                assertRounded(name, ref, bf16, DType.BF16);
                assertRounded(name, ref, f16, DType.F16);
            }
        }
    }

    private static void assertRounded(String name, float[] ref, SafetensorsFile file, DType dtype) throws IOException {
        float[] widened = file.readFloat(name).toArray();
        HalfTensor half = file.readHalf(name);
        assertThat(half.dtype()).isEqualTo(dtype);
        for (int i = 0; i < ref.length; i++) {
            short expected = dtype == DType.BF16 ? Half.floatToBf16(ref[i]) : Half.floatToF16(ref[i]);
            assertThat(half.bits()[i]).as("%s[%d] %s", name, i, dtype).isEqualTo(expected);
            float back = dtype == DType.BF16 ? Half.bf16ToFloat(expected) : Half.f16ToFloat(expected);
            assertThat(widened[i]).isEqualTo(back);
        }
    }

    @Test
    void writerRoundTripsEveryTensorBitExactly() throws IOException {
        Path out = tmp.resolve("copy.safetensors");
        try (SafetensorsFile src = SafetensorsFile.open(Fixtures.file("tiny-altclip-bf16/model.safetensors"))) {
            SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
            for (TensorEntry e : src.tensors().values()) w.add(e.name(), e.type(), e.shape(), src.bytes(e));
            w.addLongs("ids", new long[] {0, 5, -1}, 1, 3);
            w.add("f", FloatTensor.wrap(new float[] {1.5f, -0f}, 2));
            w.write(out);
            try (SafetensorsFile copy = SafetensorsFile.open(out)) {
                assertThat(copy.metadata()).isEqualTo(Map.of("format", "pt"));
                for (TensorEntry e : src.tensors().values()) {
                    assertThat(copy.entry(e.name()).shape()).isEqualTo(e.shape());
                    assertThat(copy.bytes(copy.entry(e.name()))).isEqualTo(src.bytes(e));
                }
                assertThat(copy.readLongs("ids")).containsExactly(0, 5, -1);
                assertThat(Float.floatToRawIntBits(copy.readFloat("f").get(1))).isEqualTo(Float.floatToRawIntBits(-0f));
                // the header is space-padded so the data section starts 8-byte aligned
                assertThat(copy.entry(src.tensors().keySet().iterator().next()).offset() % 8)
                        .isZero();
            }
        }
        // the output gets the permissions of any new file here (not the owner-only ones of a temp file), and no
        // partial file is left behind
        if (out.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Path plain = Files.createFile(tmp.resolve("plain"));
            assertThat(Files.getPosixFilePermissions(out)).isEqualTo(Files.getPosixFilePermissions(plain));
        }
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(f -> f.endsWith(".partial"));
        }
    }
}
