package io.github.altclip4j.index;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * How much EXIF metadata a photo carries: the number of tags in its main directory (IFD0) and in the Exif and GPS
 * directories it points to. A camera's original keeps dozens; a copy that went through a messenger, a web upload or
 * a screenshot usually keeps none. Read from a JPEG's APP1 "Exif" segment or a PNG's eXIf chunk; every offset is
 * checked against the bytes read, so a damaged or hostile file counts as 0 tags, never as an error.
 */
final class ExifTags {
    private ExifTags() {}

    /** JPEG segments and PNG chunks looked at before giving up (EXIF comes first in practice). */
    private static final int MAX_BLOCKS = 64;

    private static final int EXIF_IFD = 0x8769, GPS_IFD = 0x8825;

    /** The tag count, 0 when the file has no EXIF, cannot be read, or is not a JPEG or PNG. */
    static int count(Path file) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            byte[] tiff = f.length() >= 8 ? tiffBlock(f) : null;
            return tiff == null ? 0 : countTiff(ByteBuffer.wrap(tiff));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** The TIFF structure holding the EXIF, or null. */
    private static byte[] tiffBlock(RandomAccessFile f) throws IOException {
        int first = f.readUnsignedShort();
        if (first == 0xFFD8) return jpegExif(f);
        if (first == 0x8950 && f.readInt() == 0x4E470D0A && f.readUnsignedShort() == 0x1A0A) return pngExif(f);
        return null;
    }

    private static byte[] jpegExif(RandomAccessFile f) throws IOException {
        for (int i = 0; i < MAX_BLOCKS; i++) {
            int marker = f.readUnsignedShort();
            if ((marker & 0xFF00) != 0xFF00 || marker == 0xFFDA || marker == 0xFFD9) return null; // scan data: no more
            int length = f.readUnsignedShort() - 2;
            if (length < 0) return null;
            if (marker == 0xFFE1 && length > 6) {
                byte[] b = new byte[length];
                f.readFully(b);
                if (b[0] == 'E' && b[1] == 'x' && b[2] == 'i' && b[3] == 'f' && b[4] == 0 && b[5] == 0) {
                    byte[] tiff = new byte[length - 6];
                    System.arraycopy(b, 6, tiff, 0, tiff.length);
                    return tiff;
                }
            } else {
                f.seek(f.getFilePointer() + length);
            }
        }
        return null;
    }

    private static byte[] pngExif(RandomAccessFile f) throws IOException {
        for (int i = 0; i < MAX_BLOCKS && f.getFilePointer() + 8 <= f.length(); i++) {
            long length = f.readInt() & 0xFFFFFFFFL;
            int type = f.readInt();
            if (length > f.length() - f.getFilePointer()) return null;
            if (type == 0x65584966) { // "eXIf"
                byte[] tiff = new byte[(int) length];
                f.readFully(tiff);
                return tiff;
            }
            if (type == 0x49454E44) return null; // "IEND"
            f.seek(f.getFilePointer() + length + 4); // data and CRC
        }
        return null;
    }

    /** Tags in IFD0 plus those in the Exif and GPS directories it points to. */
    private static int countTiff(ByteBuffer b) {
        if (b.remaining() < 8) return 0;
        short order = b.getShort(0);
        if (order == 0x4949) b.order(ByteOrder.LITTLE_ENDIAN);
        else if (order != 0x4D4D) return 0;
        if (b.getShort(2) != 42) return 0;
        int ifd0 = b.getInt(4);
        int tags = entries(b, ifd0);
        if (tags == 0) return 0;
        for (int i = 0; i < tags; i++) {
            int at = ifd0 + 2 + 12 * i, tag = b.getShort(at) & 0xFFFF;
            if (tag == EXIF_IFD || tag == GPS_IFD) tags += entries(b, b.getInt(at + 8));
        }
        return tags;
    }

    /** The number of entries of the directory at {@code offset}, if the whole directory lies within the block. */
    private static int entries(ByteBuffer b, int offset) {
        if (offset < 8 || offset > b.limit() - 2) return 0;
        int n = b.getShort(offset) & 0xFFFF;
        return (long) offset + 2 + 12L * n <= b.limit() ? n : 0;
    }
}
