package dev.allot.server.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a YAML document into plain maps, lists, strings, exact decimals and booleans. YAML 1.1
 * reads {@code 010} as octal 8 and {@code 0x1F} as 31; a plain scalar that is not written as an
 * ordinary decimal stays the text its author wrote, so {@code id: 010} is the id "010" and {@code
 * split: 0x1} is refused as not a number rather than read as 1.
 */
final class YamlValues extends StdDeserializer<Object> {
  private static final Pattern DECIMAL =
      Pattern.compile(
          "-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?|-?\\.[0-9]+([eE][-+]?[0-9]+)?");

  YamlValues() {
    super(Object.class);
  }

  @Override
  public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    JsonToken token = p.currentToken();
    return switch (token) {
      case START_OBJECT -> {
        Map<String, Object> map = new LinkedHashMap<>();
        for (String key = p.nextFieldName(); key != null; key = p.nextFieldName()) {
          p.nextToken();
          map.put(key, deserialize(p, ctxt));
        }
        yield map;
      }
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          list.add(deserialize(p, ctxt));
        }
        yield list;
      }
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT ->
          DECIMAL.matcher(p.getText()).matches() ? p.getDecimalValue() : p.getText();
      case VALUE_STRING -> p.getText();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      default -> ctxt.handleUnexpectedToken(Object.class, p);
    };
  }
}
