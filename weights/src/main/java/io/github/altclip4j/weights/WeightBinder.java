package io.github.altclip4j.weights;

import io.github.altclip4j.tensor.DType;
import io.github.altclip4j.tensor.EmbeddingTable;
import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.tensor.HalfTensor;
import io.github.altclip4j.tensor.PackedMatrix;
import io.github.altclip4j.tensor.ThreadPool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Binds checkpoint tensors to model parameters by name, checking each shape. Model code asks for what it needs
 * ({@code binder.linear("vision_model.encoder.layers.3.self_attn.q_proj.weight", 1024, 1024)}), so the checkpoint's
 * names stand in the code where the weights are used. Problems are collected, not thrown one at a time:
 * {@link #finish} reports every missing tensor and every wrong shape in one error, and returns the names the model
 * never asked for (minus known leftovers such as the {@code position_ids} buffers of older checkpoints).
 *
 * <p>GEMM weights and embedding tables are held in the {@link WeightFormat} asked for (by default as stored: F16/BF16
 * stay 16-bit); all other parameters (norms, biases, position embeddings: small) are read as float32. A binder may be
 * used from several threads at once ({@link #layers}).
 */
public final class WeightBinder implements AutoCloseable {
    private final Checkpoint checkpoint;
    private final WeightFormat format;
    private final Predicate<String> ignorable;
    private final Set<String> used = ConcurrentHashMap.newKeySet();
    /** The names bound as GEMM weights or embedding tables: what {@code --weights int8} quantises. */
    private final Set<String> quantized = ConcurrentHashMap.newKeySet();

    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    /** Rows rounded to 16 bits on their way into a packed matrix, one buffer per reading thread. */
    private static final ThreadLocal<short[]> CONVERTED = ThreadLocal.withInitial(() -> new short[0]);

    private final Progress progress;
    private final long totalBytes;
    private final AtomicLong boundBytes = new AtomicLong();

    /** The pre-packed file's regions by name, mapped ({@link #usePackedWeightsFile}); null: packed from the checkpoint. */
    private Map<String, Object> mapped;
    /** Writes the pre-packed file as weights are packed from the checkpoint, and maps them back; null: no file. */
    private PackedWeightsFile.Writer writer;

    /** Hears how much of the checkpoint has been bound so far (called from the binding threads). */
    @FunctionalInterface
    public interface Progress {
        void bound(long bytes, long totalBytes);

        /** The pre-packed weights were written to {@code file} ({@link #usePackedWeightsFile}) and are mapped from it. */
        default void packedFileWritten(Path file, long bytes, double seconds) {}

        Progress NONE = (bytes, total) -> {};
    }

    public WeightBinder(Checkpoint checkpoint, WeightFormat format, Predicate<String> ignorable) {
        this(checkpoint, format, ignorable, Progress.NONE);
    }

    public WeightBinder(Checkpoint checkpoint, WeightFormat format, Predicate<String> ignorable, Progress progress) {
        this.checkpoint = checkpoint;
        this.format = format;
        this.ignorable = ignorable;
        this.progress = progress;
        this.totalBytes = checkpoint.tensors().values().stream()
                .filter(e -> !ignorable.test(e.name()))
                .mapToLong(TensorEntry::byteLength)
                .sum();
    }

    /**
     * On a JVM that can map weights (JDK 22+, {@link PackedWeightsFile#cacheFolder}): maps the pre-packed file of
     * these weights if the cache holds a valid one, so {@link #linear}, {@link #stackedLinear} and {@link #embedding}
     * return views of it and nothing of theirs enters the heap; otherwise writes that file as they are packed from the
     * checkpoint, one at a time, and returns them mapped from it ({@link #finish} puts it in place). Call before
     * binding; problems with the file go to {@code warn} (the load goes on, in the heap). {@link #close} deletes a
     * file left unfinished.
     */
    public void usePackedWeightsFile(Consumer<String> warn) throws IOException {
        Path folder = PackedWeightsFile.cacheFolder();
        if (folder == null) return;
        List<String> bound = new ArrayList<>();
        for (String name : checkpoint.tensors().keySet()) if (!ignorable.test(name)) bound.add(name);
        PanelsHeader.Key key = PackedWeightsFile.key(checkpoint, bound, format);
        Path file = PackedWeightsFile.fileFor(folder, key);
        mapped = PackedWeightsFile.open(file, key, warn);
        if (mapped == null) writer = PackedWeightsFile.Writer.start(file, key, weightBytes(), warn);
    }

    /**
     * Whether the GEMM weights and embedding tables come from a mapped pre-packed file, not the heap (before binding:
     * whether they will).
     */
    public boolean isMapped() {
        return mapped != null || writer != null && !writer.failed();
    }

    /** Deletes a pre-packed file left unfinished (a load that failed before {@link #finish}). */
    @Override
    public void close() throws IOException {
        if (writer != null) writer.close();
    }

    /**
     * About how much Java heap the bound weights will take in this binder's format: every floating-point (or int8)
     * tensor at the size of the type it is held in (an upper bound for 16-bit and int8 formats: norms and biases stay
     * float32, but they are a fraction of a percent). Mapped from a pre-packed file: nothing of the GEMM weights and
     * tables; while writing one: the largest tensor and a few per binding thread, each dropped once written.
     */
    public long estimatedBytes() {
        if (writer != null) return heapWhileWriting();
        Set<String> inFile = new HashSet<>();
        if (mapped != null) for (String key : mapped.keySet()) inFile.addAll(List.of(key.split("\\+")));
        long sum = 0;
        for (TensorEntry e : checkpoint.tensors().values()) {
            if (ignorable.test(e.name())) continue; // not bound: a skipped tower, a known leftover
            if (!inFile.contains(e.name())) sum += heapBytes(e); // mapped: outside the heap
        }
        return sum;
    }

    /** The bytes of every bound tensor in this binder's format. */
    private long weightBytes() {
        long sum = 0;
        for (TensorEntry e : checkpoint.tensors().values()) if (!ignorable.test(e.name())) sum += heapBytes(e);
        return sum;
    }

    private long heapWhileWriting() {
        long largest = 0, second = 0;
        for (TensorEntry e : checkpoint.tensors().values()) {
            if (ignorable.test(e.name())) continue;
            long b = heapBytes(e);
            if (b > largest) {
                second = largest;
                largest = b;
            } else if (b > second) second = b;
        }
        return largest + 3L * ThreadPool.shared().threads() * second; // a stacked q, k, v per binding thread
    }

    /** A tensor's bytes as held in this binder's format (0 for what is not bound as weights: integer buffers). */
    private long heapBytes(TensorEntry e) {
        if (!e.type().isFloatingPoint() && !Int8Layout.isQuantized(checkpoint, e)) return 0;
        int bytes = format == WeightFormat.AS_STORED
                ? Math.min(4, storedAs(e).bytes())
                : targetType(List.of(e)).bytes();
        return e.elementCount() * bytes;
    }

    /** A float32 parameter of exactly {@code shape} (a zero tensor stands in when it is missing, see {@link #finish}). */
    public FloatTensor floats(String name, int... shape) throws IOException {
        TensorEntry e = lookup(name, shape);
        if (e == null) return FloatTensor.zeros(shape);
        if (!Int8Layout.isQuantized(checkpoint, e)) return checkpoint.readFloat(name);
        FloatTensor out = FloatTensor.zeros(shape);
        int row = Int8Layout.rowLength(e);
        readFloatRows(
                e, row, (data, off, firstRow, n) -> System.arraycopy(data, off, out.data(), firstRow * row, n * row));
        return out;
    }

    private void readFloatRows(TensorEntry e, int rowLength, Checkpoint.FloatRows sink) throws IOException {
        Int8Layout.readFloatRows(checkpoint, e, rowLength, sink);
    }

    /** An int8 weight stored as such: its rows and scales as they are. */
    private void readInt8Rows(TensorEntry e, int rowLength, Int8Rows sink) throws IOException {
        float[] scales = checkpoint.readFloat(Int8Layout.scaleName(e.name())).data();
        checkpoint.readByteRows(
                e.name(), rowLength, (q, off, firstRow, n) -> sink.accept(q, off, firstRow, n, scales, firstRow));
    }

    @FunctionalInterface
    private interface Int8Rows {
        void accept(byte[] q, int off, int firstRow, int rows, float[] scales, int scalesOff);
    }

    /**
     * An embedding table ({@code nn.Embedding} weight {@code [rows][cols]}), held as the format asks: as stored, or
     * converted (rounded to 16 bits as the rows stream in, so no float copy is held).
     */
    public EmbeddingTable embedding(String name, int rows, int cols) throws IOException {
        TensorEntry e = lookup(name, new int[] {rows, cols});
        if (e == null) return EmbeddingTable.allocate(ThreadPool.shared(), rows, cols, DType.F32);
        DType target = targetType(List.of(e));
        quantized.add(name);
        if (mapped != null && mapped.get(name) instanceof EmbeddingTable t && sameTable(t, rows, cols, target))
            return t;
        EmbeddingTable table = EmbeddingTable.allocate(ThreadPool.shared(), rows, cols, target);
        if (target == DType.I8 && storedAs(e) == DType.I8) readInt8Rows(e, cols, table::putRows);
        else if (target != DType.F32 && target != DType.I8 && storedAs(e) == target)
            checkpoint.readHalfRows(name, cols, table::putRows);
        else readFloatRows(e, cols, table::putRows);
        return writer != null ? writer.add(name, table) : table;
    }

    private static boolean sameTable(EmbeddingTable t, int rows, int cols, DType dtype) {
        return t.rows() == rows && t.cols() == cols && t.dtype() == dtype;
    }

    /** The type a GEMM weight of this name is held in under this binder's format (F32 if there is no such tensor). */
    public DType typeOf(String name) {
        TensorEntry e = checkpoint.tensors().get(name);
        return e == null || !(e.type().isFloatingPoint() || Int8Layout.isQuantized(checkpoint, e))
                ? DType.F32
                : targetType(List.of(e));
    }

    /** The in-memory type for these tensors under this binder's format. */
    private DType targetType(List<TensorEntry> entries) {
        switch (format) {
            case F32:
                return DType.F32;
            case BF16:
                return DType.BF16;
            case F16:
                return DType.F16;
            case INT8:
                return DType.I8;
            default:
                DType first = storedAs(entries.get(0));
                return entries.stream().allMatch(x -> storedAs(x) == first) ? first : DType.F32;
        }
    }

    private static DType storedAs(TensorEntry e) {
        return e.type().computeType(); // for I8: lookup() only lets an int8 weight with its scales through
    }

    /** A 1-D parameter (bias, norm weight) as a plain array. */
    public float[] vector(String name, int length) throws IOException {
        return floats(name, length).toArray();
    }

    /** A scalar (0-d tensor, e.g. {@code logit_scale}); a 1-element 1-D tensor is accepted too. */
    public float scalar(String name) throws IOException {
        TensorEntry e = checkpoint.tensors().get(name);
        used.add(name);
        if (e == null) {
            problems.add("missing tensor \"" + name + "\"");
            return 0f;
        }
        if (e.elementCount() != 1 || e.shape().length > 1) {
            problems.add("tensor \"" + name + "\" has shape " + Arrays.toString(e.shape()) + ", expected a scalar");
            return 0f;
        }
        return checkpoint.readFloat(name).toArray()[0];
    }

    /** Binds the parameters of layer {@code i} (may throw {@link IOException}). */
    @FunctionalInterface
    public interface LayerLoader<T> {
        T load(int i) throws IOException;
    }

    /**
     * Layers {@code 0..count-1}, bound in parallel on the shared thread pool: a load is mostly page faults (the JVM
     * zeroes each new weight array, which faults its memory in, on the allocating thread) and the kernel's copies,
     * and loading several layers at once spreads both over all cores. The list is in layer order.
     */
    public <T> List<T> layers(int count, LayerLoader<T> loader) throws IOException {
        List<T> out = new ArrayList<>(Collections.nCopies(count, null));
        try {
            ThreadPool.shared().parallelFor(count, i -> {
                try {
                    out.set(i, loader.load(i));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return out;
    }

    /** An {@code nn.Linear} (or flattened conv) weight {@code [out][in...]}, packed for the GEMM as it is read. */
    public PackedMatrix linear(String name, int... shape) throws IOException {
        int out = shape[0],
                in = Math.toIntExact(Arrays.stream(shape).asLongStream().reduce(1, (a, b) -> a * b) / Math.max(out, 1));
        return stacked(List.of(name), out, in, shape);
    }

    /**
     * Several {@code nn.Linear} weights of shape {@code [outEach][in]} stacked into one {@code [n*outEach][in]} matrix,
     * so that e.g. the query, key and value projections run as one GEMM.
     */
    public PackedMatrix stackedLinear(List<String> names, int outEach, int in) throws IOException {
        return stacked(names, outEach, in, new int[] {outEach, in});
    }

    /**
     * Packs the named tensors, one after another, into one matrix as their rows stream in: no unpacked copy is held.
     * Rows are converted on the way when the format asks for another type than the one stored.
     */
    private PackedMatrix stacked(List<String> names, int outEach, int in, int[] shape) throws IOException {
        List<TensorEntry> entries = new ArrayList<>();
        for (String name : names) entries.add(lookup(name, shape));
        int rows = names.size() * outEach;
        if (entries.contains(null)) return PackedMatrix.pack(FloatTensor.zeros(rows, in));
        DType target = targetType(entries);
        quantized.addAll(names);
        String key = String.join("+", names); // a stacked matrix is one region of the pre-packed file
        if (mapped != null
                && mapped.get(key) instanceof PackedMatrix m
                && m.outFeatures() == rows
                && m.inFeatures() == in
                && m.dtype() == target) return m;
        PackedMatrix.Builder b = new PackedMatrix.Builder(rows, in, target);
        for (int i = 0; i < names.size(); i++) {
            int rowBase = i * outEach;
            TensorEntry e = entries.get(i);
            if (target == DType.I8 && storedAs(e) == DType.I8) {
                readInt8Rows(
                        e,
                        in,
                        (q, off, firstRow, n, scales, so) -> b.putRows(q, off, rowBase + firstRow, n, scales, so));
            } else if (target == DType.F32 || target == DType.I8) {
                readFloatRows(e, in, (data, off, firstRow, n) -> b.putRows(data, off, rowBase + firstRow, n));
            } else if (storedAs(e) == target) {
                checkpoint.readHalfRows(
                        names.get(i), in, (data, off, firstRow, n) -> b.putRows(data, off, rowBase + firstRow, n));
            } else {
                readFloatRows(e, in, (data, off, firstRow, n) -> {
                    short[] converted = CONVERTED.get();
                    if (converted.length < n * in) CONVERTED.set(converted = new short[n * in]);
                    HalfTensor.round(target, data, off, converted, 0, n * in);
                    b.putRows(converted, 0, rowBase + firstRow, n);
                });
            }
        }
        PackedMatrix packed = b.build();
        return writer != null ? writer.add(key, packed) : packed;
    }

    /** Several 1-D parameters concatenated (the biases of a {@link #stackedLinear}). */
    public float[] stackedVector(List<String> names, int lengthEach) throws IOException {
        float[] out = new float[names.size() * lengthEach];
        for (int i = 0; i < names.size(); i++)
            System.arraycopy(vector(names.get(i), lengthEach), 0, out, i * lengthEach, lengthEach);
        return out;
    }

    private TensorEntry lookup(String name, int[] shape) {
        used.add(name);
        TensorEntry e = checkpoint.tensors().get(name);
        if (e != null) progress.bound(boundBytes.addAndGet(e.byteLength()), totalBytes);
        if (e == null) {
            problems.add("missing tensor \"" + name + "\" " + Arrays.toString(shape));
            return null;
        }
        long[] actual = e.shape();
        boolean same = actual.length == shape.length;
        for (int i = 0; same && i < shape.length; i++) same = actual[i] == shape[i];
        if (!same) {
            problems.add("tensor \"" + name + "\" has shape " + Arrays.toString(actual) + ", expected "
                    + Arrays.toString(shape));
            return null;
        }
        if (Int8Layout.isQuantized(checkpoint, e)) {
            used.add(Int8Layout.scaleName(name));
            return e;
        }
        if (!e.type().isFloatingPoint()) {
            problems.add("tensor \"" + name + "\" is " + e.type() + ", expected a floating-point type (or I8 with \""
                    + Int8Layout.scaleName(name) + "\")");
            return null;
        }
        return e;
    }

    /** The tensors bound as GEMM weights or embedding tables (the ones int8 applies to), sorted. */
    public List<String> quantizable() {
        List<String> names = new ArrayList<>(quantized);
        Collections.sort(names);
        return names;
    }

    /**
     * Throws one {@link WeightFormatException} listing every missing or mis-shaped tensor; otherwise puts the
     * pre-packed file in place if {@link #usePackedWeightsFile} was writing one, and returns the checkpoint tensors
     * that were never bound and are not known leftovers (for a warning).
     */
    public List<String> finish() throws WeightFormatException {
        if (!problems.isEmpty()) {
            List<String> sorted = new ArrayList<>(problems); // layers bind in parallel: report in a stable order
            Collections.sort(sorted);
            throw new WeightFormatException(
                    checkpoint.path(),
                    sorted.size() + " problem(s) binding the weights:\n  " + String.join("\n  ", sorted));
        }
        if (writer != null) writer.finish(progress);
        List<String> unused = new ArrayList<>();
        for (String name : checkpoint.tensors().keySet()) {
            if (!used.contains(name) && !ignorable.test(name)) unused.add(name);
        }
        return unused;
    }
}
