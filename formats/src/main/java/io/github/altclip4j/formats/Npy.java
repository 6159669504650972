package io.github.altclip4j.formats;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's {@code .npy} format (version 1.0 written, 1.0 and 2.0 read) for matrices of one of three element types:
 * float32 ({@code <f4}), uint16 ({@code <u2}: bfloat16 bits) and int8 ({@code |i1}). A file is the magic
 * {@code \x93NUMPY}, the version, a little-endian header length (2 bytes in 1.0, 4 in 2.0), a Python-literal header
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (rows, cols), }} padded with spaces and ended by a newline
 * so that the data starts at a multiple of 64 bytes, then the values row by row. {@code numpy.load} reads it as is.
 *
 * <p>{@link #open} checks the whole header and the file's size against it before anything is allocated: a truncated
 * file, a header claiming a huge shape or an unknown type is refused with the file and the reason.
 */
public final class Npy {
    /** An element type this reader and writer handle. */
    public enum Type {
        F32("<f4", 4),
        U16("<u2", 2),
        I8("|i1", 1);

        final String descr;
        final int bytes;

        Type(String descr, int bytes) {
            this.descr = descr;
            this.bytes = bytes;
        }

        public int bytes() {
            return bytes;
        }
    }

    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int MAX_HEADER = 1 << 16;
    private static final Pattern HEADER = Pattern.compile(
            "\\{\\s*'descr'\\s*:\\s*'([^']*)'\\s*,\\s*'fortran_order'\\s*:\\s*(True|False)\\s*,\\s*'shape'\\s*:\\s*\\(\\s*(\\d{1,10})\\s*,"
                    + "\\s*(\\d{1,10})?\\s*\\)\\s*,?\\s*\\}\\s*");

    private final Path path;
    private final Type type;
    private final long rows;
    private final int cols;
    private final long dataOffset;

    private Npy(Path path, Type type, long rows, int cols, long dataOffset) {
        this.path = path;
        this.type = type;
        this.rows = rows;
        this.cols = cols;
        this.dataOffset = dataOffset;
    }

    public Type type() {
        return type;
    }

    /** The first dimension. */
    public long rows() {
        return rows;
    }

    /** The second dimension (1 for a vector). */
    public int cols() {
        return cols;
    }

    /** Reads and checks the header of a 1-D or 2-D {@code .npy} file. */
    public static Npy open(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer start = ByteBuffer.allocate((int) Math.min(size, 12)).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, start, 0, path);
            if (size < 10 || !Arrays.equals(Arrays.copyOf(start.array(), 6), MAGIC))
                throw new FormatException(path, "not a .npy file");
            int major = start.get(6);
            long headerLen, headerStart;
            if (major == 1) {
                headerLen = start.getShort(8) & 0xFFFF;
                headerStart = 10;
            } else if (major == 2 && size >= 12) {
                headerLen = start.getInt(8) & 0xFFFFFFFFL;
                headerStart = 12;
            } else {
                throw new FormatException(path, ".npy version " + major + " is not supported (1 and 2 are)");
            }
            if (headerLen > MAX_HEADER || headerStart + headerLen > size) {
                throw new FormatException(
                        path, ".npy header of " + headerLen + " bytes does not fit the file of " + size + " bytes");
            }
            ByteBuffer h = ByteBuffer.allocate((int) headerLen);
            readFully(ch, h, headerStart, path);
            String header = new String(h.array(), StandardCharsets.ISO_8859_1);
            Matcher m = HEADER.matcher(header);
            if (!m.matches())
                throw new FormatException(
                        path, "unreadable .npy header (expected a 1-D or 2-D array): " + abbreviate(header));
            Type type = Arrays.stream(Type.values())
                    .filter(t -> t.descr.equals(m.group(1)))
                    .findFirst()
                    .orElseThrow(() -> new FormatException(
                            path, ".npy element type '" + m.group(1) + "' is not supported (<f4, <u2, |i1 are)"));
            if (m.group(2).equals("True"))
                throw new FormatException(path, "Fortran-ordered .npy arrays are not supported");
            long rows = Long.parseLong(m.group(3)), cols = m.group(4) == null ? 1 : Long.parseLong(m.group(4));
            long dataOffset = headerStart + headerLen;
            long data = size
                    - dataOffset; // both dimensions have at most 10 digits: the product fits a long only if checked
            boolean fits = cols <= Integer.MAX_VALUE && (cols == 0 || rows <= data / type.bytes / cols);
            if (!fits || rows * cols * type.bytes != data) {
                throw new FormatException(
                        path,
                        "shape (" + rows + ", " + cols + ") of " + type.descr + " does not match the " + data
                                + " bytes of data in the file (truncated, or not this array)");
            }
            return new Npy(path, type, rows, (int) cols, dataOffset);
        }
    }

    private static String abbreviate(String s) {
        s = s.strip();
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    /** Receives consecutive rows: {@code bytes} holds {@code n} rows starting at row {@code firstRow}, little-endian. */
    @FunctionalInterface
    public interface Rows {
        void accept(ByteBuffer bytes, long firstRow, int n) throws IOException;
    }

    /** Streams every row, a few megabytes at a time, in order. */
    public void readRows(Rows sink) throws IOException {
        long rowBytes = (long) cols * type.bytes;
        int perChunk = (int) Math.max(1, (4 << 20) / Math.max(1, rowBytes));
        ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min(Integer.MAX_VALUE - 8, perChunk * rowBytes))
                .order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            for (long r = 0; r < rows; r += perChunk) {
                int n = (int) Math.min(perChunk, rows - r);
                buf.clear().limit((int) (n * rowBytes));
                readFully(ch, buf, dataOffset + r * rowBytes, path);
                sink.accept(buf, r, n); // readFully flipped it
            }
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long at, Path path) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b, at + b.position()) < 0)
                throw new FormatException(path, "file ends at byte " + (at + b.position()));
        }
        b.flip();
    }

    /** The header for a {@code rows x cols} matrix (a vector of {@code rows} if {@code cols} is -1), magic to newline. */
    static ByteBuffer header(Type type, long rows, long cols) {
        String shape = cols < 0 ? rows + "," : rows + ", " + cols;
        String dict = "{'descr': '" + type.descr + "', 'fortran_order': False, 'shape': (" + shape + "), }";
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int total = (unpadded + 63) / 64 * 64;
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC)
                .put((byte) 1)
                .put((byte) 0)
                .putShort((short) (total - 10))
                .put(dict.getBytes(StandardCharsets.US_ASCII));
        while (b.position() < total - 1) b.put((byte) ' ');
        return b.put((byte) '\n').flip();
    }

    /**
     * Writes {@code rows x cols} values of {@code type} given as little-endian bytes, atomically; {@code cols} -1
     * writes a vector of {@code rows}.
     */
    public static void write(Path target, Type type, long rows, long cols, ByteBuffer littleEndian) throws IOException {
        if (rows * Math.max(cols, 1) * type.bytes != littleEndian.remaining()) {
            throw new IllegalArgumentException(
                    littleEndian.remaining() + " bytes for " + rows + " x " + cols + " of " + type.descr);
        }
        AtomicFile.write(target, ch -> {
            AtomicFile.writeFully(ch, header(type, rows, cols));
            AtomicFile.writeFully(ch, littleEndian.duplicate());
        });
    }

    /** Writes {@code rows x cols} floats of {@code data} (row-major) as a float32 {@code .npy} file, atomically. */
    public static void write(Path target, float[] data, int rows, int cols) throws IOException {
        if ((long) rows * cols != data.length)
            throw new IllegalArgumentException(data.length + " values for " + rows + " x " + cols);
        ByteBuffer values = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        values.asFloatBuffer().put(data);
        write(target, Type.F32, rows, cols, values);
    }
}
