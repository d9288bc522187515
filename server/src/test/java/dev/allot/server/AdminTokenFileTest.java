package dev.allot.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A token file is never overwritten, nor written through a link: the secret goes to the next free
 * name.
 */
class AdminTokenFileTest {
  @TempDir Path dataDir;

  @Test
  void withoutAFile_writesAdminToken_readableOnlyByItsOwner() throws IOException {
    Path written = AdminTokenFile.write(dataDir.resolve("admin-token"), "secret-1");

    assertThat(written).isEqualTo(dataDir.resolve("admin-token"));
    assertThat(Files.readString(written)).isEqualTo("secret-1\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(written)))
        .isEqualTo("rw-------");
  }

  @Test
  void existingFiles_areKept_andTheNextFreeNumberIsWritten() throws IOException {
    Files.writeString(dataDir.resolve("admin-token"), "first\n");
    Files.writeString(dataDir.resolve("admin-token.2"), "second\n");

    Path written = AdminTokenFile.write(dataDir.resolve("admin-token"), "third");

    assertThat(written).isEqualTo(dataDir.resolve("admin-token.3"));
    assertThat(Files.readString(written)).isEqualTo("third\n");
    assertThat(Files.readString(dataDir.resolve("admin-token"))).isEqualTo("first\n");
    assertThat(Files.readString(dataDir.resolve("admin-token.2"))).isEqualTo("second\n");
  }

  @Test
  void aLinkNamedAdminToken_isNotWrittenThrough() throws IOException {
    Path target = dataDir.resolve("elsewhere");
    Files.writeString(target, "kept\n");
    Files.createSymbolicLink(dataDir.resolve("admin-token"), target);

    Path written = AdminTokenFile.write(dataDir.resolve("admin-token"), "secret");

    assertThat(written).isEqualTo(dataDir.resolve("admin-token.2"));
    assertThat(Files.readString(target)).isEqualTo("kept\n");
  }
}
