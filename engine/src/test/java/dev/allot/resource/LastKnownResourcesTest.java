package dev.allot.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.allot.error.AllotException;
import dev.allot.error.ErrorCode;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Reads of current resources that the store cannot answer come from the last snapshot; the rest
 * fails as the store does.
 */
class LastKnownResourcesTest {
  private static final StoredResource LAB = new StoredResource(BuiltIns.DEFAULT_LAB, 1);
  private static final StoredResource ANY = new StoredResource(BuiltIns.ANY_SUBJECT_TYPE, 2);
  private static final Map<Kind, List<StoredResource>> SNAPSHOT =
      Map.of(Kind.LAB, List.of(LAB), Kind.SUBJECT_TYPE, List.of(ANY), Kind.EXPERIMENT, List.of());

  private final FailingStore store = new FailingStore();
  private final LastKnownResources resources = new LastKnownResources(store, () -> SNAPSHOT);

  @Test
  void storeUnavailable_listAndFind_answerFromTheSnapshot() {
    store.failure =
        new AllotException(ErrorCode.UNAVAILABLE, "the store is unavailable; try again shortly");

    assertThat(resources.list(Kind.LAB)).containsExactly(LAB);
    assertThat(resources.list(Kind.EXPERIMENT)).isEmpty();
    ResourceKey any = new ResourceKey(Kind.SUBJECT_TYPE, BuiltIns.ANY_SUBJECT_TYPE_ID);
    ResourceKey missing = new ResourceKey(Kind.LAB, ResourceId.of("MARKETING"));
    assertThat(resources.find(List.of(any, missing))).isEqualTo(Map.of(any, ANY));
  }

  @Test
  void storeUnavailable_historyAndWrites_failAsTheStoreDoes() {
    store.failure =
        new AllotException(ErrorCode.UNAVAILABLE, "the store is unavailable; try again shortly");

    assertThatThrownBy(() -> resources.history(new ResourceKey(Kind.LAB, BuiltIns.DEFAULT_LAB_ID)))
        .isSameAs(store.failure);
    assertThatThrownBy(() -> resources.write(List.of(LAB), Author.SYSTEM)).isSameAs(store.failure);
  }

  @Test
  void otherFailures_areNotHiddenBehindTheSnapshot() {
    store.failure =
        new AllotException(ErrorCode.CONCURRENT_CHANGE, "another writer stored the same row first");

    assertThatThrownBy(() -> resources.list(Kind.LAB)).isSameAs(store.failure);
  }

  @Test
  void storeAnswering_isAskedAndBelieved() {
    assertThat(resources.list(Kind.LAB)).isEmpty();
  }

  /** A store with nothing in it, or failing every call with {@link #failure}. */
  private static final class FailingStore implements ResourceStore {
    AllotException failure;

    @Override
    public Map<ResourceKey, StoredResource> find(Collection<ResourceKey> keys) {
      fail();
      return Map.of();
    }

    @Override
    public List<StoredResource> list(Kind kind) {
      fail();
      return List.of();
    }

    @Override
    public List<ResourceVersion> listCurrent(Kind kind) {
      fail();
      return List.of();
    }

    @Override
    public long changeMarker() {
      fail();
      return 0;
    }

    @Override
    public List<ResourceVersion> history(ResourceKey key) {
      fail();
      return List.of();
    }

    @Override
    public void write(List<StoredResource> versions, Author author) {
      fail();
    }

    private void fail() {
      if (failure != null) {
        throw failure;
      }
    }
  }
}
