package io.github.altclip4j.spark;

import io.github.altclip4j.image.ImageDecoder;
import io.github.altclip4j.image.RgbImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * An image column, as one of the two shapes Spark gives images in: {@code binary} (the {@code content} of
 * {@code spark.read.format("binaryFile")}: the file's bytes, decoded here exactly as {@code altclip embed} decodes
 * files) or Spark's {@code image} struct ({@code spark.read.format("image")}: already decoded by Spark, OpenCV
 * channel order, only preprocessed here).
 */
final class ImageColumn implements Serializable {
    private static final List<String> IMAGE_STRUCT_FIELDS =
            List.of("origin", "height", "width", "nChannels", "mode", "data");
    /** OpenCV's 8-bit types, the ones Spark's image source writes: CV_8UC1, CV_8UC3, CV_8UC4. */
    private static final int CV_8UC1 = 0, CV_8UC3 = 16, CV_8UC4 = 24;

    private final int column;
    private final boolean struct;
    /** The {@code path} column of a binaryFile frame, for error messages; -1 if there is none. */
    private final int pathColumn;

    private ImageColumn(int column, boolean struct, int pathColumn) {
        this.column = column;
        this.struct = struct;
        this.pathColumn = pathColumn;
    }

    /** Column {@code at} of {@code schema}, if it holds images in either shape. */
    static ImageColumn of(StructType schema, int at, String transformer) {
        String name = schema.fields()[at].name();
        DataType type = schema.fields()[at].dataType();
        boolean struct = type instanceof StructType
                && Arrays.asList(((StructType) type).fieldNames()).containsAll(IMAGE_STRUCT_FIELDS);
        if (!struct && !type.equals(DataTypes.BinaryType)) {
            throw new IllegalArgumentException(
                    transformer + ": column \"" + name + "\" is " + type.simpleString()
                            + "; images come as binary (spark.read.format(\"binaryFile\")) or Spark's image struct (format(\"image\"))");
        }
        int path = Arrays.asList(schema.fieldNames()).indexOf("path");
        boolean pathIsString = path >= 0 && schema.fields()[path].dataType().equals(DataTypes.StringType);
        return new ImageColumn(at, struct, pathIsString ? path : -1);
    }

    /** What errors call this row's image: its path or origin, if the frame has one. */
    String name(Row row, int rowInBatch) {
        if (struct && !row.isNullAt(column)) {
            String origin = row.getStruct(column).getAs("origin");
            if (origin != null && !origin.isEmpty()) return origin;
        }
        if (pathColumn >= 0 && !row.isNullAt(pathColumn)) return row.getString(pathColumn);
        return "row " + rowInBatch + " of the batch";
    }

    /** Decodes (binary) or converts (struct) this row's image. */
    RgbImage decode(ImageDecoder decoder, Row row, String name) throws IOException {
        if (row.isNullAt(column)) throw new IOException(name + ": no image (null)");
        if (!struct) return decoder.decode(new ByteArrayInputStream((byte[]) row.get(column)), name);
        return fromImageStruct(row.getStruct(column), name);
    }

    /** Spark's image struct to RGB: grey replicated (as PIL's {@code L -> RGB}), BGR(A) reordered, alpha dropped. */
    static RgbImage fromImageStruct(Row image, String name) throws IOException {
        int h = image.<Integer>getAs("height"), w = image.<Integer>getAs("width");
        int channels = image.<Integer>getAs("nChannels"), mode = image.<Integer>getAs("mode");
        byte[] data = image.getAs("data");
        if (h <= 0 || w <= 0) throw new IOException(name + ": an invalid image (Spark could not decode it)");
        boolean known = (channels == 1 && mode == CV_8UC1)
                || (channels == 3 && mode == CV_8UC3)
                || (channels == 4 && mode == CV_8UC4);
        if (!known)
            throw new IOException(
                    name + ": image mode " + mode + " with " + channels + " channels is not 8-bit grey, BGR or BGRA");
        long pixels = (long) w * h;
        if (data == null || data.length != pixels * channels) {
            throw new IOException(name + ": image data of " + (data == null ? 0 : data.length) + " bytes for " + w + "x"
                    + h + "x" + channels);
        }
        byte[] rgb = new byte[Math.toIntExact(pixels * 3)];
        for (int p = 0; p < pixels; p++) {
            int in = p * channels, out = p * 3;
            if (channels == 1) {
                rgb[out] = rgb[out + 1] = rgb[out + 2] = data[in];
            } else {
                rgb[out] = data[in + 2];
                rgb[out + 1] = data[in + 1];
                rgb[out + 2] = data[in];
            }
        }
        return new RgbImage(w, h, rgb);
    }
}
