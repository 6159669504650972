package io.github.altclip4j.weights;

import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.tensor.HalfTensor;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A {@code pytorch_model.bin} in the zip format of {@code torch.save} (PyTorch &ge; 1.6): {@code <dir>/data.pkl}, a
 * pickle of the state dict whose tensors point at storages {@code <dir>/data/<key>} (raw little-endian elements).
 * The pickle is read by the restricted {@link Unpickler}; every tensor's extent is checked against its storage
 * entry, and every entry's size against the archive, before anything is allocated.
 */
public final class TorchCheckpoint implements Checkpoint {
    /** data.pkl of a state dict is small (names and shapes); anything beyond this is refused. */
    static final long MAX_PICKLE_BYTES = 64L << 20;
    /** An entry may not expand more than this over its compressed size (torch stores entries uncompressed). */
    static final long MAX_EXPANSION = 100;
    /** Entries in the archive: one per storage plus a few (BAAI/AltCLIP has about 800); more is not a checkpoint. */
    static final int MAX_ENTRIES = 1 << 20;

    private final Path path;
    private final ZipFile zip;
    private final Map<String, TensorEntry> tensors;
    private final Map<String, Located> located;
    private final long fileSize;

    /** Where a tensor's elements are: a storage entry, the first element, the strides (in elements). */
    private record Located(ZipEntry storage, long offset, long[] stride) {}

    private TorchCheckpoint(
            Path path, ZipFile zip, Map<String, TensorEntry> tensors, Map<String, Located> located, long fileSize) {
        this.path = path;
        this.fileSize = fileSize;
        this.zip = zip;
        this.tensors = tensors;
        this.located = located;
    }

    public static TorchCheckpoint open(Path path) throws IOException {
        long fileSize = Files.size(path);
        ZipFile zip;
        try {
            zip = new ZipFile(path.toFile());
        } catch (ZipException e) {
            throw new WeightFormatException(path, "not a readable zip archive (" + e.getMessage() + ")");
        }
        try {
            return read(path, zip, fileSize);
        } catch (IOException | RuntimeException e) {
            zip.close();
            throw e;
        }
    }

    private static TorchCheckpoint read(Path path, ZipFile zip, long fileSize) throws IOException {
        if (zip.size() > MAX_ENTRIES) {
            throw new WeightFormatException(
                    path,
                    "the archive has " + zip.size() + " entries, more than " + MAX_ENTRIES + " (not a checkpoint)");
        }
        ZipEntry pkl = null;
        for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
            ZipEntry e = en.nextElement();
            if (e.getName().endsWith("/data.pkl")
                    && e.getName().indexOf('/') == e.getName().length() - "/data.pkl".length()) {
                pkl = e;
            }
        }
        if (pkl == null) throw new WeightFormatException(path, "no <dir>/data.pkl entry: not a torch.save archive");
        String dir = pkl.getName().substring(0, pkl.getName().length() - "data.pkl".length());
        byte[] pickle = readEntry(path, zip, pkl, MAX_PICKLE_BYTES, fileSize);
        Map<String, Unpickler.TensorRef> refs = Unpickler.stateDict(path, pickle);

        Map<String, TensorEntry> tensors = new LinkedHashMap<>();
        Map<String, Located> located = new LinkedHashMap<>();
        for (Map.Entry<String, Unpickler.TensorRef> e : refs.entrySet()) {
            String name = e.getKey(), where = "tensor \"" + name + "\"";
            Unpickler.TensorRef t = e.getValue();
            StoredType type = storedType(t.storage().type().name());
            ZipEntry storage = zip.getEntry(dir + "data/" + t.storage().key());
            if (storage == null)
                throw new WeightFormatException(
                        path, where + ": storage entry data/" + t.storage().key() + " is missing");
            long storageBytes = entrySize(path, storage, fileSize);
            if (t.size().length != t.stride().length)
                throw new WeightFormatException(path, where + ": size and stride differ in rank");
            long count = TensorEntry.elementCount(t.size());
            if (count < 0 || count > TensorEntry.MAX_ELEMENTS) {
                throw new WeightFormatException(path, where + ": shape " + Arrays.toString(t.size()) + " is too large");
            }
            long last = lastElement(t);
            if (count > 0 && (last < 0 || (last + 1) > storageBytes / type.bytes())) {
                throw new WeightFormatException(
                        path,
                        where + ": elements up to " + last + " lie outside its storage of " + storageBytes + " bytes");
            }
            tensors.put(name, new TensorEntry(name, type, t.size(), 0, count * type.bytes()));
            located.put(name, new Located(storage, t.offset(), t.stride()));
        }
        return new TorchCheckpoint(path, zip, Collections.unmodifiableMap(tensors), located, fileSize);
    }

    /** The storage index of the last element the tensor touches, or -1 if that overflows a long. */
    private static long lastElement(Unpickler.TensorRef t) {
        try {
            long last = t.offset();
            for (int i = 0; i < t.size().length; i++) {
                if (t.size()[i] > 0) last = Math.addExact(last, Math.multiplyExact(t.size()[i] - 1, t.stride()[i]));
            }
            return last;
        } catch (ArithmeticException overflow) {
            return -1;
        }
    }

    private static StoredType storedType(String storage) {
        switch (storage) {
            case "FloatStorage":
                return StoredType.F32;
            case "HalfStorage":
                return StoredType.F16;
            case "BFloat16Storage":
                return StoredType.BF16;
            case "DoubleStorage":
                return StoredType.F64;
            case "LongStorage":
                return StoredType.I64;
            case "IntStorage":
                return StoredType.I32;
            case "ShortStorage":
                return StoredType.I16;
            case "CharStorage":
                return StoredType.I8;
            case "BoolStorage":
                return StoredType.BOOL;
            default:
                return StoredType.U8; // ByteStorage
        }
    }

    /** The declared uncompressed size, refused when it could not be real (a zip bomb or a lie). */
    private static long entrySize(Path path, ZipEntry e, long fileSize) throws WeightFormatException {
        long size = e.getSize(), compressed = e.getCompressedSize();
        if (size < 0) throw new WeightFormatException(path, "zip entry " + e.getName() + " has no declared size");
        if (compressed > fileSize || (e.getMethod() == ZipEntry.STORED && size > fileSize)) {
            throw new WeightFormatException(path, "zip entry " + e.getName() + " claims more bytes than the file has");
        }
        if (e.getMethod() != ZipEntry.STORED && size > MAX_EXPANSION * Math.max(compressed, 1)) {
            throw new WeightFormatException(
                    path,
                    "zip entry " + e.getName() + " claims " + size + " bytes from " + compressed
                            + " compressed (refused as a zip bomb)");
        }
        return size;
    }

    /** Reads one whole entry, never more than its declared size (and at most {@code cap}). */
    private static byte[] readEntry(Path path, ZipFile zip, ZipEntry e, long cap, long fileSize) throws IOException {
        long size = entrySize(path, e, fileSize);
        if (size > cap)
            throw new WeightFormatException(path, "zip entry " + e.getName() + " of " + size + " bytes is too large");
        try (InputStream in = zip.getInputStream(e)) {
            byte[] b = in.readNBytes((int) size);
            if (b.length != size || in.read() != -1) {
                throw new WeightFormatException(
                        path, "zip entry " + e.getName() + " does not hold its declared " + size + " bytes");
            }
            return b;
        } catch (ZipException z) {
            throw new WeightFormatException(path, "zip entry " + e.getName() + " is corrupt (" + z.getMessage() + ")");
        } catch (EOFException eof) {
            throw new WeightFormatException(
                    path,
                    "zip entry " + e.getName()
                            + " points past the end of the file (its local header or data is missing)");
        }
    }

    /** The tensor's elements, gathered in row-major order as little-endian bytes. */
    private ByteBuffer elements(String name) throws IOException {
        TensorEntry t = entry(name);
        Located loc = located.get(name);
        byte[] storage = readEntry(path, zip, loc.storage(), Integer.MAX_VALUE - 8L, fileSize);
        int es = t.type().bytes();
        long[] shape = t.shape();
        if (isContiguous(shape, loc.stride())) {
            return ByteBuffer.wrap(storage, (int) (loc.offset() * es), (int) t.byteLength())
                    .slice()
                    .order(ByteOrder.LITTLE_ENDIAN);
        }
        // Non-contiguous (a view saved as is): walk the index space in row-major order.
        ByteBuffer out = ByteBuffer.allocate((int) t.byteLength()).order(ByteOrder.LITTLE_ENDIAN);
        long[] index = new long[shape.length];
        for (long i = 0, n = t.elementCount(); i < n; i++) {
            long src = loc.offset();
            for (int d = 0; d < shape.length; d++) src += index[d] * loc.stride()[d];
            out.put(storage, (int) (src * es), es);
            for (int d = shape.length - 1; d >= 0 && ++index[d] == shape[d]; d--) index[d] = 0;
        }
        return out.flip();
    }

    private static boolean isContiguous(long[] shape, long[] stride) {
        long expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && stride[d] != expected) return false;
            expected *= shape[d];
        }
        return true;
    }

    private TensorEntry entry(String name) throws WeightFormatException {
        TensorEntry e = tensors.get(name);
        if (e == null) throw new WeightFormatException(path, "no tensor \"" + name + "\"");
        return e;
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public Map<String, TensorEntry> tensors() {
        return tensors;
    }

    @Override
    public FloatTensor readFloat(String name) throws IOException {
        return Elements.toFloat(path, entry(name), elements(name));
    }

    @Override
    public HalfTensor readHalf(String name) throws IOException {
        return Elements.toHalf(path, entry(name), elements(name));
    }

    @Override
    public long[] readLongs(String name) throws IOException {
        return Elements.toLongs(path, entry(name), elements(name));
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }
}
