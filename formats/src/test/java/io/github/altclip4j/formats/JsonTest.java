package io.github.altclip4j.formats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void parsesEveryKindOfValue() {
        Object v = Json.parse(
                " {\"a\": [1, -2.5e3, true, false, null, \"x\\u00e9\\n\\\"\"], \"b\": {}, \"big\": 123456789012345678901} ");
        Map<?, ?> m = (Map<?, ?>) v;
        @SuppressWarnings("unchecked")
        List<Object> a = (List<Object>) m.get("a");
        assertThat(a).containsExactly(1L, -2500.0, true, false, Json.NULL, "xé\n\"");
        assertThat((Map<?, ?>) m.get("b")).isEmpty();
        assertThat(m.get("big")).isEqualTo(1.2345678901234568E20);
        assertThat(Json.parse(Json.quote("tab\t\u0001\"\\"))).isEqualTo("tab\t\u0001\"\\");
    }

    @Test
    void refusesMalformedText() {
        String[] bad = {
            "",
            "{",
            "{\"a\":1,}",
            "[1,]",
            "{\"a\" 1}",
            "01",
            "1.",
            "-",
            "\"\\x\"",
            "\"a",
            "tru",
            "{\"a\":1}x",
            "{\"a\":1,\"a\":2}",
            "\"\u0001\"",
            "[1 2]"
        };
        for (String s : bad) assertThatThrownBy(() -> Json.parse(s)).as(s).isInstanceOf(Json.JsonException.class);
        assertThatThrownBy(() -> Json.parse("[".repeat(100) + "]".repeat(100))).hasMessageContaining("nesting");
        assertThatThrownBy(() -> Json.parse(new byte[] {'"', (byte) 0xC3, '"'})).hasMessageContaining("UTF-8");
        assertThat(Json.parse("\"é\"".getBytes(StandardCharsets.UTF_8))).isEqualTo("é");
    }
}
