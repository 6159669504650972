package io.github.altclip4j.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The metrics on score matrices whose answers are counted by hand. */
class RankingsTest {
    @Test
    void ranksCountTheColumnsAboveAndTiesGoToTheLowerColumn() {
        double[][] scores = {
            {0.1, 0.9, 0.5, 0.3}, // truth 2: one above (col 1) -> rank 1
            {0.7, 0.7, 0.2, 0.1}, // truth 1: tie with col 0, lower index wins -> rank 1
            {0.4, 0.3, 0.2, 0.8}, // truth 3: best -> rank 0
            {0.0, 0.1, 0.2, 0.3} // relevant {0, 2}: col 2 ranks 1, col 0 ranks 3 -> 1
        };
        int[] ranks = Rankings.firstRelevantRanks(scores, List.of(Set.of(2), Set.of(1), Set.of(3), Set.of(0, 2)));
        assertThat(ranks).containsExactly(1, 1, 0, 1);
        assertThat(Rankings.recallAt(ranks, 1)).isEqualTo(0.25);
        assertThat(Rankings.recallAt(ranks, 2)).isEqualTo(1.0);
        assertThat(Rankings.recallAt(new int[0], 1)).isNaN();
    }

    @Test
    void cosinesAreDotProductsInDouble() {
        double[][] s = Rankings.cosines(
                List.of(new float[] {1, 0}, new float[] {0.6f, 0.8f}),
                List.of(new float[] {0, 1}, new float[] {0.6f, 0.8f}));
        assertThat(s[0]).containsExactly(0.0, (double) 0.6f);
        assertThat(s[1][0]).isEqualTo((double) 0.8f);
        assertThat(s[1][1]).isEqualTo((double) 0.6f * 0.6f + (double) 0.8f * 0.8f);
    }
}
