/**
 * Performance profiles and the one-call bootstrap. {@link io.modularddd.profiles.Profile} carries the four
 * presets of the performance guide ({@code STARTUP}, {@code GROWTH}, {@code SCALE}, {@code ENTERPRISE}) with
 * every setting overridable; the bootstrap, {@link io.modularddd.profiles.ModularDdd#builder()}, builds a running toolkit from a profile and the infrastructure the
 * application hands it. This is the one module that knows every other (DESIGN.md §1, §8). See
 * {@code docs/profiles.md}.
 */
package io.modularddd.profiles;
