package io.github.altclip4j.bench;

import java.util.Collection;
import java.util.Locale;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/**
 * Runs JMH with the usual command-line options, then prints each result as GFLOPS (and, for GEMM, GB/s of weights
 * read): {@code java -cp benchmarks.jar io.github.altclip4j.bench.GflopsReport GemmBench -p threads=2}.
 */
public final class GflopsReport {
    private GflopsReport() {}

    public static void main(String[] args) throws Exception {
        Collection<RunResult> results = new Runner(new CommandLineOptions(args)).run();
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "%-16s %-16s %-5s %-5s %-4s %12s %9s %10s%n",
                "benchmark",
                "shape",
                "dtype",
                "wts",
                "thr",
                "us/op",
                "GFLOPS",
                "GB/s(W)");
        for (RunResult r : results) {
            BenchmarkParams p = r.getParams();
            double us = r.getPrimaryResult().getScore();
            String name = p.getBenchmark()
                    .substring(
                            p.getBenchmark().lastIndexOf('.', p.getBenchmark().lastIndexOf('.') - 1) + 1);
            double flops;
            double weightBytes = 0;
            String shape, dtype = "F32", weights = "";
            if (name.startsWith("GemmBench")) {
                int[] mkn = GemmBench.parse(p.getParam("shape"));
                flops = 2.0 * mkn[0] * mkn[1] * mkn[2];
                shape = p.getParam("shape");
                dtype = p.getParam("dtype");
                weights = p.getParam("weights");
                weightBytes = (double) mkn[1] * mkn[2] * ("F32".equals(dtype) ? 4 : 2);
            } else {
                int seq = Integer.parseInt(p.getParam("seq")), heads = Integer.parseInt(p.getParam("heads"));
                int headDim = Integer.parseInt(p.getParam("headDim"));
                flops = 4.0 * seq * seq * headDim * heads;
                shape = seq + "x" + heads + "x" + headDim;
            }
            System.out.printf(
                    Locale.ROOT,
                    "%-16s %-16s %-5s %-5s %-4s %12.1f %9.1f %10.1f%n",
                    name,
                    shape,
                    dtype,
                    weights,
                    p.getParam("threads"),
                    us,
                    flops / us / 1e3,
                    weightBytes / us / 1e3);
        }
    }
}
