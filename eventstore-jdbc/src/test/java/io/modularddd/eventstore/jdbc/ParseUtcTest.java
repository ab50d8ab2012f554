package io.modularddd.eventstore.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code EventTable.parseUtc}, which reads MySQL's text form of a DATETIME by hand, answers exactly what
 * {@link LocalDateTime#parse} answers: the same instant for every form MySQL/MariaDB send, the same refusal
 * for text that is no date.
 */
class ParseUtcTest {

    private static Instant reference(String text) {
        return LocalDateTime.parse(text.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
    }

    @Test
    void reads_every_fraction_length_as_the_iso_parser_does() {
        // given: DATETIME(0) to DATETIME(6) as the server sends them, and up to nine digits
        String[] texts = {"2026-11-30 10:15:30", "2026-11-30 10:15:30.1", "2026-11-30 10:15:30.12",
            "2026-11-30 10:15:30.000100", "2026-11-30 10:15:30.999999", "2026-11-30 10:15:30.123456789",
            "1000-01-01 00:00:00.000000", "9999-12-31 23:59:59.999999", "2024-02-29 02:30:00.5"};

        // then
        for (String text : texts) {
            assertThat(EventTable.parseUtc(text)).as(text).isEqualTo(reference(text));
        }
        assertThat(EventTable.parseUtc("2026-11-30 10:15:30.000100"))
                .isEqualTo(Instant.parse("2026-11-30T10:15:30.000100Z"));
        assertThat(EventTable.parseUtc(null)).isNull();
    }

    @Test
    void agrees_with_the_iso_parser_on_random_microsecond_datetimes() {
        // given: a fixed seed, so a failure repeats
        Random random = new Random(20261130L);
        for (int i = 0; i < 10_000; i++) {
            LocalDateTime at = LocalDateTime.ofEpochSecond(random.nextLong(-30_610_224_000L, 253_402_300_799L),
                    random.nextInt(1_000_000) * 1_000, ZoneOffset.UTC);
            String text = String.format("%04d-%02d-%02d %02d:%02d:%02d.%06d", at.getYear(), at.getMonthValue(),
                    at.getDayOfMonth(), at.getHour(), at.getMinute(), at.getSecond(), at.getNano() / 1_000);

            // then
            assertThat(EventTable.parseUtc(text)).as(text).isEqualTo(at.toInstant(ZoneOffset.UTC));
        }
    }

    @Test
    void answers_odd_text_as_the_iso_parser_does() {
        // given: text that is no DATETIME, or not in the server's form; "10:15:30." the ISO parser accepts
        String[] texts = {"2026-13-30 10:15:30.000000", "2026-02-30 10:15:30", "2026-11-30 24:00:00",
            "2026-11-3x 10:15:30", "2026-11-30 10:15:30.", "2026-11-30 10:15:30.1234567890", "2026-11-30T10:15:30",
            "2026-11-30 10:15", "+12026-11-30 10:15:30", "not a date", ""};
        for (String text : texts) {
            Object expected;
            try {
                expected = reference(text);
            } catch (DateTimeException e) {
                expected = DateTimeException.class;
            }

            // when
            Object actual;
            try {
                actual = EventTable.parseUtc(text);
            } catch (DateTimeException e) {
                actual = DateTimeException.class;
            }

            // then
            assertThat(actual).as(text).isEqualTo(expected);
        }
        assertThatThrownBy(() -> EventTable.parseUtc("2026-02-30 10:15:30")).isInstanceOf(DateTimeException.class);
    }
}
