package dev.allot.storage;

/**
 * A migrated database for one test, whatever the kind: what every storage contract suite runs on.
 * Each kind of database has one implementation (a JUnit extension) and one subclass per suite.
 */
public interface TestStore {

  Database database();

  /** The database's URL, to open it again as a restarted or second node would. */
  String jdbcUrl();
}
