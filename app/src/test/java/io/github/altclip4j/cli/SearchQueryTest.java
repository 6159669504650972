package io.github.altclip4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.altclip4j.AltClip;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;

/** rclip's query syntax: terms joined by + and -, texts or image paths, with optional weights. */
class SearchQueryTest {
    private static final String IMAGE = Paths.get(System.getProperty("altclip4j.fixtures"))
            .resolve("images/files/rgb_baseline_400x300.jpg")
            .toString();

    @Test
    void termsAreTextsOrImagesWithTheirSignedWeights() {
        SearchCommand.Query q = SearchCommand.Query.combined(
                List.of("2:golden retriever", "+", IMAGE, "-", "fruit", "-", "0.5:" + IMAGE));
        List<AltClip.QueryTerm> t = q.terms();
        assertThat(t).hasSize(4);
        assertThat(t.get(0).text()).isEqualTo("golden retriever");
        assertThat(t.get(0).weight()).isEqualTo(2f);
        assertThat(t.get(1).image().name()).isEqualTo(Path.of(IMAGE).toString());
        assertThat(t.get(1).weight()).isEqualTo(1f);
        assertThat(t.get(2).text()).isEqualTo("fruit");
        assertThat(t.get(2).weight()).isEqualTo(-1f);
        assertThat(t.get(3).image()).isNotNull();
        assertThat(t.get(3).weight()).isEqualTo(-0.5f);
        assertThat(q.label()).startsWith("2:golden retriever + ");
        // a leading minus: away from the term; a path that is not an image file stays a text
        assertThat(SearchCommand.Query.combined(List.of("-", "no/such.jpg"))
                        .terms()
                        .get(0)
                        .text())
                .isEqualTo("no/such.jpg");
    }

    @Test
    void operatorsOutOfPlaceAreUsageErrors() {
        assertThatThrownBy(() -> SearchCommand.Query.combined(List.of("a", "+", "+", "b")))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("two operators in a row");
        assertThatThrownBy(() -> SearchCommand.Query.combined(List.of("a", "b", "+", "c")))
                .hasMessageContaining("join the query's terms with + or -");
        assertThatThrownBy(() -> SearchCommand.Query.combined(List.of("a", "-")))
                .hasMessageContaining("ends with an operator");
    }
}
