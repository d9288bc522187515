package dev.allot.storage;

import java.util.Locale;

/**
 * What a commit survives before Allot answers: the operator's choice, {@link #FSYNC} unless set.
 */
public enum Durability {
  /** Every commit is on disk (fsynced): it survives a crash of the machine or a power failure. */
  FSYNC,
  /**
   * Every commit is handed to the operating system: it survives a crash of Allot's process ({@code
   * kill -9}), but the last moments before a machine crash or power failure may be lost. Faster,
   * since a commit waits for no fsync.
   */
  PROCESS;

  public static Durability fromWord(String word) {
    try {
      return valueOf(word.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("durability must be fsync or process, is '" + word + "'");
    }
  }
}
