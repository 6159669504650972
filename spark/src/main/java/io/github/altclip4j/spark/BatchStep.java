package io.github.altclip4j.spark;

import io.github.altclip4j.AltClip;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.Row;

/** A transformer's work on one batch of rows, shipped to the executors: for each row, the values to append. */
interface BatchStep extends Serializable {
    List<Object[]> apply(AltClip model, List<Row> rows);
}
