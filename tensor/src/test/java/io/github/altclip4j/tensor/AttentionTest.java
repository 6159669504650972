package io.github.altclip4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AttentionTest {
    private static final ThreadPool[] POOLS = {new ThreadPool(1), new ThreadPool(2), new ThreadPool(3)};

    @AfterAll
    static void closePools() {
        for (ThreadPool p : POOLS) p.close();
    }

    @ParameterizedTest(name = "batch {0} seq {1} heads {2} x {3} masked {4}")
    @CsvSource({
        "1,1,1,1,false",
        "1,7,2,3,false",
        "2,17,4,16,true",
        "1,257,2,64,false",
        "3,77,3,64,true",
        "2,20,1,80,true",
        "1,65,2,130,false"
    })
    void fusedAttentionMatchesNaiveSoftmaxAttention(int batch, int seq, int heads, int headDim, boolean masked) {
        int width = heads * headDim, ld = 3 * width, tokens = batch * seq;
        float[] qkv = Reference.randomFloats(seq * 31L + headDim, tokens * ld, 2f); // fused [tokens][q|k|v]
        float[] keyBias = null;
        int[] valid = new int[batch];
        for (int b = 0; b < batch; b++) valid[b] = masked ? Math.max(1, seq - 3 * b - 1) : seq;
        if (masked) {
            keyBias = new float[tokens];
            for (int b = 0; b < batch; b++)
                for (int t = valid[b]; t < seq; t++) keyBias[b * seq + t] = Attention.MASKED;
        }
        float scale = (float) (1 / Math.sqrt(headDim));
        float[] first = null;
        for (ThreadPool pool : POOLS) {
            float[] out = new float[tokens * width];
            Attention.multiHead(
                    pool, batch, seq, heads, headDim, scale, qkv, 0, qkv, width, qkv, 2 * width, ld, keyBias, out, 0,
                    width);
            if (first == null) first = out;
            else Reference.assertBitIdentical(first, out, pool.threads() + " threads");
        }
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < seq; i++) {
                    double[] p = new double[seq];
                    double max = Double.NEGATIVE_INFINITY, sum = 0;
                    for (int j = 0; j < valid[b]; j++) {
                        double s = 0;
                        for (int d = 0; d < headDim; d++) {
                            s += (double) qkv[(b * seq + i) * ld + h * headDim + d]
                                    * qkv[(b * seq + j) * ld + width + h * headDim + d];
                        }
                        p[j] = s * scale;
                        max = Math.max(max, p[j]);
                    }
                    for (int j = 0; j < valid[b]; j++) sum += p[j] = Math.exp(p[j] - max);
                    for (int d = 0; d < headDim; d++) {
                        double o = 0, abs = 0;
                        for (int j = 0; j < valid[b]; j++) {
                            double vv = qkv[(b * seq + j) * ld + 2 * width + h * headDim + d];
                            o += p[j] / sum * vv;
                            abs += Math.abs(p[j] / sum * vv);
                        }
                        double got = first[(b * seq + i) * width + h * headDim + d];
                        assertThat(got)
                                .as("b%d h%d i%d d%d", b, h, i, d)
                                .isCloseTo(o, Offset.offset(2e-5 * (abs + 1e-3)));
                    }
                }
            }
        }
    }
}
