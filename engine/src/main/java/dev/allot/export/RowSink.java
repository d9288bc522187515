package dev.allot.export;

import java.io.IOException;

/** Takes exported rows one at a time, as the store reads them. */
@FunctionalInterface
public interface RowSink {
  /**
   * One row, its values in the order of the dataset's columns. The array may be reused for the next
   * row: copy what is kept.
   */
  void accept(Object[] row) throws IOException;
}
