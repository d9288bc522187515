package dev.allot.resource;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fields that differ between two document trees (maps, lists and scalars, as {@link
 * DocumentWriter} writes them). Objects are compared field by field and lists position by position;
 * a field or list entry present on one side only is one change, whole.
 */
public final class DocumentChanges {
  private DocumentChanges() {}

  /** What differs from {@code before} to {@code after}, in the order the fields appear. */
  public static List<DocumentChange> between(Object before, Object after) {
    List<DocumentChange> changes = new ArrayList<>();
    compare("", before, after, changes);
    return List.copyOf(changes);
  }

  /** The changes between two versions of a resource, without the version number itself. */
  public static List<DocumentChange> between(Resource before, Resource after) {
    return between(DocumentWriter.write(before), DocumentWriter.write(after));
  }

  private static void compare(
      String path, Object before, Object after, List<DocumentChange> changes) {
    if (before instanceof Map<?, ?> old && after instanceof Map<?, ?> now) {
      Set<Object> keys = new LinkedHashSet<>(old.keySet());
      keys.addAll(now.keySet());
      for (Object key : keys) {
        String field = path.isEmpty() ? String.valueOf(key) : path + "." + key;
        compare(field, old.get(key), now.get(key), changes);
      }
    } else if (before instanceof List<?> old && after instanceof List<?> now) {
      for (int i = 0; i < Math.max(old.size(), now.size()); i++) {
        Object was = i < old.size() ? old.get(i) : null;
        Object is = i < now.size() ? now.get(i) : null;
        compare(path + "[" + i + "]", was, is, changes);
      }
    } else if (!same(before, after)) {
      changes.add(new DocumentChange(path.isEmpty() ? "$" : path, before, after));
    }
  }

  /** Decimals compare by value: a split of 0.5 is the same as 0.50. */
  private static boolean same(Object before, Object after) {
    if (before instanceof BigDecimal a && after instanceof BigDecimal b) {
      return a.compareTo(b) == 0;
    }
    return before == null ? after == null : before.equals(after);
  }
}
