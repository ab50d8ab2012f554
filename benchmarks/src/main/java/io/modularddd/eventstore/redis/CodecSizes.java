package io.modularddd.eventstore.redis;

import io.modularddd.benchmarks.BenchEvent;
import io.modularddd.core.AggregateId;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.serialization.EventTypeRegistry;
import java.util.List;
import java.util.Locale;

/**
 * Prints the hot tier's member size per event for each codec of {@link CodecBenchmark}, as a Markdown
 * table: the average, smallest and largest over the 100 sample events the read benchmark writes
 * ({@link BenchEvent#sample}, ~200-byte JSON payload), how many of them were LZ4-compressed, and the same
 * for one larger event (a 2 KiB description of ordinary, non-repeating text) to show the default
 * threshold at work.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.modularddd.eventstore.redis.CodecSizes
 * </pre>
 */
public final class CodecSizes {

    private CodecSizes() {
    }

    /**
     * Prints the table.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        System.out.print(table());
    }

    /**
     * Renders the table.
     *
     * @return Markdown
     */
    static String table() {
        EventTypeRegistry registry = CodecBenchmark.registry();
        AggregateId id = AggregateId.of("account-42");
        BenchEvent large = largeEvent();
        StringBuilder out = new StringBuilder("| codec | bytes per event, avg (min–max) of 100 samples | LZ4-compressed "
                + "| JSON payload alone | larger event: bytes (JSON payload) | larger event compressed |\n"
                + "| --- | ---: | ---: | ---: | ---: | --- |\n");
        int payloadJson = JsonSize.of(BenchEvent.sample(0));
        for (String name : List.of(CodecBenchmark.JSON, CodecBenchmark.MSGPACK, CodecBenchmark.MSGPACK_LZ4,
                CodecBenchmark.MSGPACK_LZ4_DEFAULT)) {
            HotTierCodec codec = CodecBenchmark.codecOf(name, registry);
            long total = 0;
            int min = Integer.MAX_VALUE;
            int max = 0;
            int compressed = 0;
            for (int i = 0; i < HotTierBenchmark.EVENTS; i++) {
                byte[] m = codec.encode(CodecBenchmark.storedEvent(id, BenchEvent.sample(i), i + 1));
                total += m.length;
                min = Math.min(min, m.length);
                max = Math.max(max, m.length);
                compressed += CodecBenchmark.compressed(m) ? 1 : 0;
            }
            byte[] big = codec.encode(CodecBenchmark.storedEvent(id, large, 1));
            out.append(String.format(Locale.ROOT, "| %s | %.1f (%d–%d) | %d/%d | %d | %d (%d) | %s |%n", name,
                    (double) total / HotTierBenchmark.EVENTS, min, max, compressed, HotTierBenchmark.EVENTS,
                    payloadJson, big.length, JsonSize.of(large), CodecBenchmark.compressed(big) ? "yes" : "no"));
        }
        return out.toString();
    }

    /** A ~2 KiB event of ordinary text (sentences that do not repeat verbatim). */
    static BenchEvent largeEvent() {
        StringBuilder text = new StringBuilder();
        int n = 0;
        while (text.length() < 2048) {
            text.append("Line ").append(n).append(": transfer ").append(1_000 + n * 37).append(" EUR from account ")
                    .append(Integer.toHexString(0x5f3759df * (n + 1))).append(" for invoice INV-")
                    .append(2026_0000 + n * 13).append(". ");
            n++;
        }
        BenchEvent s = BenchEvent.sample(7);
        return new BenchEvent(s.accountId(), s.amountCents(), s.currency(), text.toString(), s.reference(),
                s.occurredAt());
    }

    /** The payload's size as the warm tier stores it (compact JSON). */
    private static final class JsonSize {
        static int of(BenchEvent e) {
            return io.modularddd.core.serialization.JacksonEventSerializer.json(CodecBenchmark.registry())
                    .serialize(e).length;
        }
    }
}
