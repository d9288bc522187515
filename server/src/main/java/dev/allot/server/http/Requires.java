package dev.allot.server.http;

import dev.allot.access.Permission;
import io.javalin.security.RouteRole;

/** The permission a route needs, as Javalin carries it to the access check. */
record Requires(Permission permission) implements RouteRole {}
