/**
 * Event type names and payload encoding: the {@link io.modularddd.core.serialization.EventTypeRegistry}
 * that maps stable names to classes, the {@link io.modularddd.core.serialization.EventSerializer} SPI, and
 * its Jackson implementation.
 */
package io.modularddd.core.serialization;
