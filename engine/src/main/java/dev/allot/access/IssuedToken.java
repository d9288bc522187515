package dev.allot.access;

/** A token just made, with its secret: the only moment the secret is known. */
public record IssuedToken(Token token, String secret) {}
