package dev.allot.server.assignment;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonGeneratorImpl;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.allot.assignment.PreparedValue;
import java.io.IOException;

/**
 * Writes a variant's value into an answer. JSON gets the text prepared with the catalog snapshot,
 * copied as it is; YAML (and any other format) cannot take raw JSON, so it walks the tree.
 */
public final class PreparedValueJson extends StdSerializer<PreparedValue> {
  public PreparedValueJson() {
    super(PreparedValue.class);
  }

  @Override
  public void serialize(PreparedValue value, JsonGenerator gen, SerializerProvider provider)
      throws IOException {
    if (gen instanceof JsonGeneratorImpl) {
      gen.writeRawValue(value.json());
    } else {
      provider.defaultSerializeValue(value.node(), gen);
    }
  }
}
