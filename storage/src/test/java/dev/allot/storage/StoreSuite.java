package dev.allot.storage;

/**
 * The base of every storage contract suite: one subclass per kind of database provides {@link
 * #store()}.
 */
public abstract class StoreSuite {

  /** The database this suite runs on. */
  protected abstract TestStore store();

  protected final Database database() {
    return store().database();
  }

  protected final String jdbcUrl() {
    return store().jdbcUrl();
  }
}
