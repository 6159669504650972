package io.github.altclip4j.formats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class JsonRecordsTest {
    enum Store {
        F32,
        AS_STORED
    }

    record Part(int id, @JsonRecords.Range(min = 0, max = 9) int[] deleted) {}

    record Doc(
            String rootFolder,
            long size,
            double score,
            boolean hidden,
            Store store,
            List<Part> parts,
            List<String> tags,
            float[] vector,
            @JsonRecords.Optional int missingCount,
            Integer maybe) {}

    @Test
    void writesComponentsInSnakeCaseAndReadsTheSameRecordBack() throws Exception {
        Doc d = new Doc(
                "/photos",
                1L << 40,
                0.25,
                true,
                Store.AS_STORED,
                List.of(new Part(3, new int[] {1, 4})),
                List.of("猫", "a \"dog\""),
                new float[] {0.1f, -2.5e-8f},
                0,
                null);
        String json = new JsonWriter().any(d).toString();
        assertThat(json)
                .isEqualTo("{\"root_folder\": \"/photos\", \"size\": 1099511627776, \"score\": 0.25, \"hidden\": true,"
                        + " \"store\": \"as-stored\", \"parts\": [{\"id\": 3, \"deleted\": [1, 4]}],"
                        + " \"tags\": [\"猫\", \"a \\\"dog\\\"\"], \"vector\": [0.1, -2.5E-8], \"missing_count\": 0}");
        Doc back = JsonRecords.read(Doc.class, Json.parse(json));
        assertThat(back.rootFolder()).isEqualTo("/photos");
        assertThat(back.size()).isEqualTo(1L << 40);
        assertThat(back.store()).isEqualTo(Store.AS_STORED);
        assertThat(back.parts().get(0).deleted()).containsExactly(1, 4);
        assertThat(back.tags()).containsExactly("猫", "a \"dog\"");
        assertThat(back.vector()).containsExactly(0.1f, -2.5e-8f);
        assertThat(back.maybe()).isNull();
    }

    @Test
    void theFirstWrongFieldIsNamedByItsPath() {
        String ok =
                "\"root_folder\": \"/\", \"size\": 1, \"score\": 1, \"hidden\": false, \"store\": \"f32\", \"tags\": []";
        assertThatThrownBy(() -> JsonRecords.read(
                        Doc.class, Json.parse("{" + ok + ", \"parts\": [{\"id\": 1, \"deleted\": [12]}]}")))
                .isInstanceOf(JsonRecords.FieldException.class)
                .hasMessage("\"parts[0].deleted[0]\" must be a whole number from 0 to 9, got 12");
        assertThatThrownBy(() -> JsonRecords.read(Doc.class, Json.parse("{\"size\": 1}")))
                .hasMessage("\"root_folder\", \"score\", \"hidden\", \"store\" are missing");
        assertThatThrownBy(() -> JsonRecords.read(Doc.class, Json.parse("{" + ok.replace("\"f32\"", "\"f64\"") + "}")))
                .hasMessage("\"store\" must be f32 or as-stored, got 'f64'");
        assertThatThrownBy(() ->
                        JsonRecords.read(Doc.class, Json.parse("{" + ok.replace("\"size\": 1", "\"size\": 1.5") + "}")))
                .hasMessageContaining("\"size\" must be a whole number");
        assertThatThrownBy(() -> JsonRecords.read(Doc.class, Json.parse("[1]")))
                .hasMessage("\"(the document)\" must be an object");
        assertThatThrownBy(() -> JsonRecords.read(
                        Doc.class, Json.parse("{" + ok.replace("\"tags\": []", "\"tags\": [null]") + "}")))
                .hasMessage("\"tags[0]\" must not be null");
    }

    record Request(@JsonRecords.OneOrMany List<String> input, Object query) {}

    @Test
    void oneOrManyTakesOneValueAsAListOfOneAndObjectTakesAnyValue() throws Exception {
        assertThat(JsonRecords.read(Request.class, Json.parse("{\"input\": \"a\"}"))
                        .input())
                .containsExactly("a");
        Request r = JsonRecords.read(Request.class, Json.parse("{\"input\": [\"a\", \"b\"], \"query\": [{\"x\": 1}]}"));
        assertThat(r.input()).containsExactly("a", "b");
        assertThat(r.query()).isEqualTo(Json.parse("[{\"x\": 1}]"));
        assertThat(JsonRecords.read(Request.class, Json.parse("{}")).input()).isNull();
        assertThatThrownBy(() -> JsonRecords.read(Request.class, Json.parse("{\"input\": 5}")))
                .hasMessage("\"input\" must be a string");
        assertThatThrownBy(() -> JsonRecords.read(Request.class, Json.parse("{\"input\": [\"a\", 5]}")))
                .hasMessage("\"input[1]\" must be a string");
    }
}
