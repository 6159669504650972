package io.github.altclip4j.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
    @TempDir
    Path tmp;

    @Test
    void readsTheTinyModelFolder() throws IOException {
        Path dir = Fixtures.file("tiny-altclip");
        AltClipConfig c = AltClipConfig.read(dir.resolve("config.json"));
        assertThat(c.text())
                .isEqualTo(new AltClipConfig.TextConfig(8002, 32, 2, 4, 128, "gelu", 40, 1, 1e-5f, 1, 0, 2, 32));
        assertThat(c.vision()).isEqualTo(new AltClipConfig.VisionConfig(48, 96, 2, 4, 3, 28, 7, "quick_gelu", 1e-5f));
        assertThat(c.vision().numPositions()).isEqualTo(17);
        assertThat(c.projectionDim()).isEqualTo(32);

        PreprocessorConfig p = PreprocessorConfig.read(dir.resolve("preprocessor_config.json"));
        assertThat(p.shortestEdge()).isEqualTo(28);
        assertThat(p.cropHeight()).isEqualTo(28);
        assertThat(p.cropWidth()).isEqualTo(28);
        assertThat(p.resample()).isEqualTo(3);
        assertThat(p.rescaleFactor()).isEqualTo(1 / 255.0);
        assertThat(p.imageMean()).containsExactly(0.48145466f, 0.4578275f, 0.40821073f);

        TokenizerConfig t = TokenizerConfig.read(dir);
        assertThat(t.modelMaxLength()).isEqualTo(38);
        assertThat(t.tokenizerClass()).isEqualTo("XLMRobertaTokenizer");
    }

    @Test
    void absentFieldsTakeTransformersDefaults() throws IOException {
        Path f = Files.writeString(
                tmp.resolve("config.json"),
                "{\"text_config\": {}, \"vision_config\": {\"patch_size\": 14, \"image_size\": 224, "
                        + "\"hidden_size\": 1024, \"num_attention_heads\": 16}}");
        AltClipConfig c = AltClipConfig.read(f);
        assertThat(c.text().hiddenSize()).isEqualTo(1024);
        assertThat(c.text().vocabSize()).isEqualTo(250002);
        assertThat(c.text().maxPositionEmbeddings()).isEqualTo(514);
        assertThat(c.text().projectDim()).isEqualTo(768);
        assertThat(c.vision().numPositions()).isEqualTo(257);
        assertThat(c.vision().hiddenAct()).isEqualTo("quick_gelu");
        assertThat(c.projectionDim()).isEqualTo(768);
        Path p = Files.writeString(
                tmp.resolve("preprocessor_config.json"),
                "{\"size\": {\"shortest_edge\": 256}, \"crop_size\": {\"height\": 240, \"width\": 230}}");
        PreprocessorConfig pc = PreprocessorConfig.read(p);
        assertThat(pc.shortestEdge()).isEqualTo(256);
        assertThat(pc.cropHeight()).isEqualTo(240);
        assertThat(pc.cropWidth()).isEqualTo(230);
        Files.writeString(
                tmp.resolve("tokenizer_config.json"), "{\"model_max_length\": 1000000000000000019884624838656}");
        assertThat(TokenizerConfig.read(tmp).modelMaxLength()).isEqualTo(-1);
    }

    @Test
    void badFieldsNameTheFileAndTheField() throws IOException {
        Path f = Files.writeString(tmp.resolve("config.json"), "{\"text_config\": {\"hidden_size\": \"big\"}}");
        assertThatThrownBy(() -> AltClipConfig.read(f))
                .isInstanceOf(WeightFormatException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("\"text_config.hidden_size\" must be an integer");
        Path g = Files.writeString(
                tmp.resolve("c2.json"), "{\"vision_config\": {\"hidden_size\": 100, \"num_attention_heads\": 3}}");
        assertThatThrownBy(() -> AltClipConfig.read(g)).hasMessageContaining("vision_config.num_attention_heads");
        Path h = Files.writeString(tmp.resolve("c3.json"), "{\"text_config\": ");
        assertThatThrownBy(() -> AltClipConfig.read(h)).hasMessageContaining("bad JSON");
        assertThatThrownBy(() -> AltClipConfig.read(tmp.resolve("missing.json")))
                .hasMessageContaining("file not found");
    }

    /** Each size outside its range is refused by name before anything is allocated from it. */
    @Test
    void sizesBeyondAnyModelAreRefusedNamingTheFieldAndTheRange() throws IOException {
        String[][] cases = {
            {
                "\"text_config\": {\"hidden_size\": 100000}",
                "\"text_config.hidden_size\" must be an integer from 1 to 16384 (got 100000)"
            },
            {
                "\"text_config\": {\"vocab_size\": 2000000000}",
                "\"text_config.vocab_size\" must be an integer from 1 to 16777216"
            },
            {
                "\"text_config\": {\"num_hidden_layers\": 0}",
                "\"text_config.num_hidden_layers\" must be an integer from 1 to 256 (got 0)"
            },
            {
                "\"text_config\": {\"intermediate_size\": -4}",
                "\"text_config.intermediate_size\" must be an integer from 1 to 65536 (got -4)"
            },
            {
                "\"text_config\": {\"max_position_embeddings\": 3}",
                "\"text_config.max_position_embeddings\" must be at least pad_token_id + 3"
            },
            {"\"text_config\": {\"layer_norm_eps\": 0}", "\"text_config.layer_norm_eps\" must be between 0 and 1"},
            {
                "\"vision_config\": {\"num_channels\": 4}",
                "\"vision_config.num_channels\" must be an integer from 3 to 3 (got 4)"
            },
            {
                "\"vision_config\": {\"image_size\": 50000}",
                "\"vision_config.image_size\" must be an integer from 1 to 4096 (got 50000)"
            },
            {
                "\"vision_config\": {\"num_hidden_layers\": 100000}",
                "\"vision_config.num_hidden_layers\" must be an integer from 1 to 256"
            },
            {"\"projection_dim\": 1000000", "\"projection_dim\" must be an integer from 1 to 16384 (got 1000000)"},
        };
        for (String[] c : cases) {
            Path f = Files.writeString(tmp.resolve("config.json"), "{" + c[0] + "}");
            assertThatThrownBy(() -> AltClipConfig.read(f))
                    .as(c[0])
                    .isInstanceOf(WeightFormatException.class)
                    .hasMessageContaining(f.toString())
                    .hasMessageContaining(c[1]);
        }
    }
}
