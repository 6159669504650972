package io.github.altclip4j.tests;

import io.github.altclip4j.weights.SafetensorsFile;
import io.github.altclip4j.weights.StoredType;
import io.github.altclip4j.weights.TensorEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Reads the reference fixtures: expected tensors in float64 and float32, inputs as ints. */
final class Reference {
    private Reference() {}

    static Path fixtures() {
        return Paths.get(System.getProperty("altclip4j.fixtures", "../fixtures"));
    }

    static double[] doubles(SafetensorsFile f, String name) throws IOException {
        TensorEntry e = f.entry(name);
        ByteBuffer b = f.bytes(e).order(ByteOrder.LITTLE_ENDIAN);
        double[] out = new double[(int) e.elementCount()];
        if (e.type() == StoredType.F64) b.asDoubleBuffer().get(out);
        else for (int i = 0; i < out.length; i++) out[i] = b.getFloat(4 * i);
        return out;
    }

    static int[][] ints2d(SafetensorsFile f, String name) throws IOException {
        long[] v = f.readLongs(name);
        long[] shape = f.entry(name).shape();
        int rows = (int) shape[0], cols = (int) shape[1];
        int[][] out = new int[rows][cols];
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) out[r][c] = (int) v[r * cols + c];
        return out;
    }

    static double maxAbsDiff(double[] ref, float[] ours) {
        if (ref.length != ours.length) throw new AssertionError("sizes differ: " + ref.length + " vs " + ours.length);
        double m = 0;
        for (int i = 0; i < ref.length; i++) m = Math.max(m, Math.abs(ref[i] - ours[i]));
        return m;
    }

    static double maxAbsDiff(double[] ref, double[] other) {
        double m = 0;
        for (int i = 0; i < ref.length; i++) m = Math.max(m, Math.abs(ref[i] - other[i]));
        return m;
    }
}
