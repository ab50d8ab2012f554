/**
 * Internals shared by modular-ddd's own modules (argument checks, paging streams, idempotency rules).
 * Not API: anything here may change in any release.
 */
package io.modularddd.core.internal;
