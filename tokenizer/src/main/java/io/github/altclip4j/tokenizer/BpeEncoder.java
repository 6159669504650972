package io.github.altclip4j.tokenizer;

import io.github.altclip4j.tokenizer.SentencePieceModel.PieceType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * BPE segmentation as the C++ library does it ({@code bpe_model.cc}): start from single characters (a user-defined
 * symbol is one frozen symbol), then repeatedly merge the adjacent pair whose concatenation is the highest-scoring
 * piece (ties: the leftmost pair) until no pair is a piece. Pairs sit in a priority queue; a popped pair whose sides
 * changed since it was queued is stale and skipped. A merge that produced an UNUSED piece is undone at the end.
 */
final class BpeEncoder implements SentencePiece.Segmenter {
    private final SentencePiece sp;
    private final ByteTrie userDefined;

    BpeEncoder(SentencePiece sp, ByteTrie userDefined) {
        this.sp = sp;
        this.userDefined = userDefined;
    }

    private record Pair(int left, int right, float score, int size) {}

    @Override
    public List<int[]> segment(byte[] text) {
        int n = text.length;
        // Symbols as a linked list over byte ranges [start[i], start[i] + len[i]); len 0 = merged away.
        int[] start = new int[n], len = new int[n], prev = new int[n], next = new int[n];
        boolean[] frozen = new boolean[n];
        int count = 0;
        for (int pos = 0; pos < n; count++) {
            int ud = userDefined == null ? 0 : userDefined.longestPrefix(text, pos);
            int l = ud > 0 ? ud : Math.min(Utf8.charLength(text[pos]), n - pos);
            start[count] = pos;
            len[count] = l;
            frozen[count] = ud > 0;
            prev[count] = count - 1;
            pos += l;
            next[count] = pos < n ? count + 1 : -1;
        }
        PriorityQueue<Pair> agenda = new PriorityQueue<>(
                (a, b) -> a.score != b.score ? Float.compare(b.score, a.score) : Integer.compare(a.left, b.left));
        Map<String, int[]> unusedSplits = new HashMap<>();
        for (int i = 1; i < count; i++) addPair(text, i - 1, i, start, len, frozen, agenda, unusedSplits);
        while (!agenda.isEmpty()) {
            Pair top = agenda.poll();
            if (len[top.left] == 0 || len[top.right] == 0 || len[top.left] + len[top.right] != top.size) continue;
            len[top.left] += len[top.right];
            next[top.left] = next[top.right];
            if (next[top.right] >= 0) prev[next[top.right]] = top.left;
            len[top.right] = 0;
            addPair(text, prev[top.left], top.left, start, len, frozen, agenda, unusedSplits);
            addPair(text, top.left, next[top.left], start, len, frozen, agenda, unusedSplits);
        }
        List<int[]> out = new ArrayList<>();
        for (int i = count > 0 ? 0 : -1; i >= 0; i = next[i])
            resegment(text, start[i], start[i] + len[i], unusedSplits, out);
        return out;
    }

    private void addPair(
            byte[] text,
            int left,
            int right,
            int[] start,
            int[] len,
            boolean[] frozen,
            PriorityQueue<Pair> agenda,
            Map<String, int[]> unusedSplits) {
        if (left < 0 || right < 0 || frozen[left] || frozen[right]) return;
        int from = start[left], size = len[left] + len[right];
        int id = sp.segmentablePieces().get(text, from, from + size);
        if (id < 0) return;
        if (sp.type(id) == PieceType.UNUSED) {
            unusedSplits.put(Utf8.decode(text, from, from + size), new int[] {from, from + len[left], from + size});
        }
        agenda.add(new Pair(left, right, sp.score(id), size));
    }

    /** Emits a symbol, splitting an UNUSED piece back into the two symbols it was merged from. */
    private void resegment(byte[] text, int from, int to, Map<String, int[]> unusedSplits, List<int[]> out) {
        int id = sp.segmentablePieces().get(text, from, to);
        if (id >= 0 && sp.type(id) == PieceType.UNUSED) {
            int[] split = unusedSplits.get(Utf8.decode(text, from, to));
            if (split != null) {
                int mid = from + (split[1] - split[0]);
                resegment(text, from, mid, unusedSplits, out);
                resegment(text, mid, to, unusedSplits, out);
                return;
            }
        }
        out.add(new int[] {from, to, id >= 0 ? id : sp.pieceToId(Utf8.decode(text, from, to))});
    }
}
