package dev.allot.events;

/**
 * An event as a client sent it, before any rule is checked: Amplitude's field names and types.
 * {@code time} is epoch milliseconds; {@code variant} null asks to unset the subject's property.
 */
public record SentExposure(
    String eventType,
    String userId,
    String deviceId,
    Long time,
    String insertId,
    String flagKey,
    String variant,
    String experimentKey) {}
