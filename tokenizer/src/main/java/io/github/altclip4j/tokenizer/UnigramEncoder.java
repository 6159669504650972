package io.github.altclip4j.tokenizer;

import io.github.altclip4j.tokenizer.SentencePieceModel.PieceType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Unigram segmentation: the most probable split of the normalised text into pieces, where a split's score is the
 * sum of its pieces' log-probabilities (the model's scores). Viterbi over the lattice of all pieces found at every
 * character boundary, in one left-to-right pass (the C++ library's {@code EncodeOptimized}):
 * {@code best[end] = max over pieces p = text[start, end) of best[start] + score(p)}, then a backtrack from the end.
 *
 * <p>Two rules from the library: a user-defined symbol scores {@code length * maxScore - 0.1} so it always wins;
 * where no piece covers the single character at a position, an unknown piece of that one character is added with
 * score {@code minScore - 10}. Scores are accumulated in float, candidates compared as the library does.
 */
final class UnigramEncoder implements SentencePiece.Segmenter {
    private static final float UNK_PENALTY = 10.0f;

    private final SentencePiece sp;

    UnigramEncoder(SentencePiece sp) {
        this.sp = sp;
    }

    @Override
    public List<int[]> segment(byte[] text) {
        int size = text.length;
        float[] bestScore = new float[size + 1];
        int[] bestStart = new int[size + 1];
        int[] bestId = new int[size + 1];
        Arrays.fill(bestStart, -1);
        float unkScore = sp.minScore() - UNK_PENALTY;
        ByteTrie trie = sp.segmentablePieces();
        for (int start = 0; start < size; ) {
            float scoreHere = bestScore[start];
            int charLen = Math.min(Utf8.charLength(text[start]), size - start);
            boolean coversOneChar = false;
            int state = 0;
            for (int pos = start; pos < size; pos++) {
                state = trie.child(state, text[pos]);
                if (state < 0) break;
                int id = trie.value(state);
                if (id < 0 || sp.type(id) == PieceType.UNUSED) continue;
                int length = pos + 1 - start;
                double score = sp.type(id) == PieceType.USER_DEFINED ? length * sp.maxScore() - 0.1 : sp.score(id);
                double candidate = score + scoreHere;
                int end = pos + 1;
                if (bestStart[end] == -1 || candidate > bestScore[end]) {
                    bestScore[end] = (float) candidate;
                    bestStart[end] = start;
                    bestId[end] = id;
                }
                if (length == charLen) coversOneChar = true;
            }
            if (!coversOneChar) {
                int end = start + charLen;
                float candidate = unkScore + scoreHere;
                if (bestStart[end] == -1 || candidate > bestScore[end]) {
                    bestScore[end] = candidate;
                    bestStart[end] = start;
                    bestId[end] = sp.unkId();
                }
            }
            start += charLen;
        }
        List<int[]> out = new ArrayList<>();
        for (int end = size; end > 0; end = bestStart[end]) out.add(new int[] {bestStart[end], end, bestId[end]});
        Collections.reverse(out);
        return out;
    }
}
