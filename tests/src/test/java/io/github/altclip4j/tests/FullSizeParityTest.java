package io.github.altclip4j.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.altclip4j.formats.Json;
import io.github.altclip4j.model.AltClipModel;
import io.github.altclip4j.tensor.MappedWeights;
import io.github.altclip4j.tensor.ThreadPool;
import io.github.altclip4j.tools.RandomModel;
import io.github.altclip4j.weights.SafetensorsFile;
import io.github.altclip4j.weights.StoredType;
import io.github.altclip4j.weights.WeightFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The full-size model (BAAI/AltCLIP's shapes, 3.46 GB of seeded random weights, written by {@code altclip
 * random-model} with its default seed: the sha256 is checked against the fixture) against transformers run in float64
 * on the same weights, for the fixture's three texts and three images: every output within twice PyTorch float32's
 * own error (plus one float32 ulp of the largest value), as the tiny models. It writes the model into a temporary
 * folder (about 20 s, 3.5 GB of disk, 5 GB of heap) and is skipped, saying why, where the machine has less;
 * {@code -Daltclip4j.fullsize=DIR} uses a folder written before instead:
 * {@code mvn -B -o test -pl tests -Dtest=FullSizeParityTest -Daltclip4j.fullsize=/tmp/altclip-random}. On JDK 22+
 * the model is loaded a second time, written to a pre-packed file and mapped back, and gives the same bits mapped.
 */
class FullSizeParityTest {
    private static final long NEEDED_DISK = 4L << 30, NEEDED_HEAP = 5L << 30;

    @TempDir
    Path tmp;

    @Test
    void fullSizeOutputsAreWithinTwicePyTorchsFloat32Error() throws Exception {
        if (System.getProperty("altclip4j.fullsize") == null) {
            long disk = MappedWeights.available() ? 2 * NEEDED_DISK : NEEDED_DISK; // JDK 22+: the pre-packed file
            assumeTrue(
                    tmp.getFileSystem().provider().getFileStore(tmp).getUsableSpace() > disk,
                    "the full-size parity test needs " + (disk >> 30) + " GB of free disk in " + tmp);
            assumeTrue(Runtime.getRuntime().maxMemory() > NEEDED_HEAP, "the full-size parity test needs a 5 GB heap");
        }
        Path fixture = Reference.fixtures().resolve("fullsize-random");
        Map<?, ?> cases = (Map<?, ?>) Json.parse(Files.readAllBytes(fixture.resolve("cases.json")));
        Path model = modelFolder();
        assertThat(sha256(model.resolve("model.safetensors")))
                .as("the random-model generator must stay as it was")
                .isEqualTo(cases.get("weights_sha256"));
        Map<?, ?> torchError = (Map<?, ?>) cases.get("pytorch_f32_max_abs_error_vs_f64");
        String cacheBefore = System.getProperty("altclip4j.cache");
        System.setProperty("altclip4j.cache", "off"); // the weights in the heap first
        try (ThreadPool pool = new ThreadPool(2);
                SafetensorsFile ref = SafetensorsFile.open(fixture.resolve("expected.safetensors"))) {
            Map<String, float[]> ours = outputs(pool, ref, load(model));
            List<String> problems = new ArrayList<>();
            for (Map.Entry<String, float[]> e : ours.entrySet()) {
                double[] f64 = Reference.doubles(ref, e.getKey() + "_f64");
                double ourError = Reference.maxAbsDiff(f64, e.getValue());
                double torch = ((Number) torchError.get(e.getKey())).doubleValue();
                double ulp =
                        Math.ulp((float) Arrays.stream(f64).map(Math::abs).max().orElse(0));
                double bar = 2 * torch + ulp;
                System.out.printf(
                        "full size %s: our error %.3g, PyTorch float32 %.3g: %.2f of the bar%n",
                        e.getKey(), ourError, torch, ourError / bar);
                if (ourError > bar)
                    problems.add(String.format("%s: our error %.3g > 2 x PyTorch's %.3g", e.getKey(), ourError, torch));
            }
            assertThat(problems).isEmpty();
            if (MappedWeights.available()) { // then written to a pre-packed file and mapped back from it
                System.setProperty("altclip4j.cache", tmp.resolve("cache").toString()); // 3.5 GB, not in target/
                AltClipModel mapped = load(model);
                assertThat(mapped.weightsMapped()).isTrue();
                Map<String, float[]> fromMapped = outputs(pool, ref, mapped);
                for (String name : ours.keySet())
                    assertThat(fromMapped.get(name))
                            .as("%s, mapped weights", name)
                            .containsExactly(ours.get(name));
            }
        } finally {
            if (cacheBefore == null) System.clearProperty("altclip4j.cache");
            else System.setProperty("altclip4j.cache", cacheBefore);
        }
    }

    private static AltClipModel load(Path model) throws IOException {
        return AltClipModel.load(model, WeightFormat.AS_STORED, w -> {
            throw new AssertionError(w);
        });
    }

    /** The towers' pooled outputs and embeddings for the fixture's texts and images. */
    private static Map<String, float[]> outputs(ThreadPool pool, SafetensorsFile ref, AltClipModel m)
            throws IOException {
        int[][] ids = Reference.ints2d(ref, "input_ids"), mask = Reference.ints2d(ref, "attention_mask");
        AltClipModel.TextFeatures text = m.textFeatures(pool, ids, mask);
        AltClipModel.ImageFeatures image = m.imageFeatures(pool, ref.readFloat("pixel_values"));
        Map<String, float[]> ours = new LinkedHashMap<>();
        ours.put("text_pooled", text.tower().pooled().toArray());
        ours.put("text_embeds", text.features().toArray());
        ours.put(
                "text_embeds_normalized",
                AltClipModel.normalize(pool, text.features()).toArray());
        ours.put("image_pooled", image.tower().pooled().toArray());
        ours.put("image_embeds", image.features().toArray());
        ours.put(
                "image_embeds_normalized",
                AltClipModel.normalize(pool, image.features()).toArray());
        return ours;
    }

    private Path modelFolder() throws IOException {
        String given = System.getProperty("altclip4j.fullsize");
        if (given != null) return Path.of(given);
        Path dir = tmp.resolve("altclip-random");
        RandomModel.write(
                RandomModel.ALTCLIP,
                Reference.fixtures().resolve("tiny-altclip"),
                dir,
                StoredType.F32,
                0,
                new PrintStream(PrintStream.nullOutputStream()));
        return dir;
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
            in.transferTo(PrintStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
