package dev.allot.storage.resource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.allot.error.Violation;
import dev.allot.resource.DocumentReader;
import dev.allot.resource.DocumentWriter;
import dev.allot.resource.Resource;
import java.util.ArrayList;
import java.util.List;

/** Resources as the JSON text a store keeps; decimals stay exact. */
final class DocumentJson {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private DocumentJson() {}

  static String write(Resource resource) {
    try {
      return JSON.writeValueAsString(DocumentWriter.write(resource));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a resource document is plain maps and lists", e);
    }
  }

  static Resource read(String json) {
    List<Violation> violations = new ArrayList<>();
    try {
      return DocumentReader.read(JSON.readValue(json, Object.class), violations)
          .orElseThrow(
              () -> new IllegalStateException("a stored document no longer reads: " + violations));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored document is not JSON", e);
    }
  }
}
