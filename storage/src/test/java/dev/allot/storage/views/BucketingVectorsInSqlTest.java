package dev.allot.storage.views;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.allot.storage.PostgresTestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every case of the bucketing test vectors ({@code allot-vectors.json}, a test resource of the
 * engine, on this module's classpath through the engine's test jar) recomputed by PostgreSQL with
 * the expressions docs/assignment.md ("Choosing a variant") gives an analyst: the bucket, the
 * boundaries {@code round(10000 × cumulative split)} and the first variant whose boundary exceeds
 * the bucket. {@link BucketingInSqlTest} does the same over stored assignments.
 */
class BucketingVectorsInSqlTest {
  private static final String VECTORS = "/allot-vectors.json";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  /**
   * The bucket of salt and subject (parameters 1, 2) and the variant of the cohort (parameters 3,
   * 4).
   */
  private static final String RECOMPUTE =
      """
      WITH bucketed AS (
        SELECT (('x' || left(encode(sha256(convert_to(? || '|' || ?, 'UTF8')), 'hex'), 8))::bit(32)::bigint)
                 % 10000 AS bucket
      ),
      boundary AS (
        SELECT c.variant, c.position, round(10000 * sum(c.split) OVER (ORDER BY c.position)) AS below
        FROM unnest(?::text[], ?::text[]::numeric[]) WITH ORDINALITY AS c(variant, split, position)
      )
      SELECT b.bucket,
             (SELECT d.variant FROM boundary d WHERE b.bucket < d.below ORDER BY d.position LIMIT 1) AS variant
      FROM bucketed b\
      """;

  @RegisterExtension final PostgresTestDatabase db = PostgresTestDatabase.empty();

  record Split(String variant, BigDecimal split) {}

  record Vector(
      String salt, String subjectId, int bucket, List<Split> cohort, String variant, String note) {}

  record Vectors(String description, List<Vector> cases) {}

  record Recomputed(int bucket, String variant) {}

  @Test
  void everyVector_getsItsBucketAndVariantFromTheSqlFormula() throws IOException, SQLException {
    List<Vector> cases = readVectors().cases();
    assertThat(cases).as("cases in %s", VECTORS).isNotEmpty();
    List<String> wrong = new ArrayList<>();
    try (Connection connection = DriverManager.getConnection(db.jdbcUrl());
        PreparedStatement statement = connection.prepareStatement(RECOMPUTE)) {
      for (Vector v : cases) {
        Recomputed recomputed = recompute(connection, statement, v);
        if (recomputed.bucket() != v.bucket() || !v.variant().equals(recomputed.variant())) {
          wrong.add(
              v.salt()
                  + " | "
                  + v.subjectId()
                  + ": expected "
                  + v.bucket()
                  + " → "
                  + v.variant()
                  + ", SQL gives "
                  + recomputed.bucket()
                  + " → "
                  + recomputed.variant());
        }
      }
    }
    assertThat(wrong)
        .as("vectors PostgreSQL recomputes differently, of %d", cases.size())
        .isEmpty();
  }

  private static Recomputed recompute(Connection connection, PreparedStatement statement, Vector v)
      throws SQLException {
    statement.setString(1, v.salt());
    statement.setString(2, v.subjectId());
    statement.setArray(
        3, connection.createArrayOf("text", v.cohort().stream().map(Split::variant).toArray()));
    statement.setArray(
        4,
        connection.createArrayOf(
            "text", v.cohort().stream().map(s -> s.split().toPlainString()).toArray()));
    try (ResultSet rs = statement.executeQuery()) {
      rs.next();
      return new Recomputed(rs.getInt("bucket"), rs.getString("variant"));
    }
  }

  private static Vectors readVectors() throws IOException {
    try (InputStream in = BucketingVectorsInSqlTest.class.getResourceAsStream(VECTORS)) {
      assertThat(in).as("test resource %s (the engine's test jar)", VECTORS).isNotNull();
      return JSON.readValue(in, Vectors.class);
    }
  }
}
