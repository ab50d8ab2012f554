package io.modularddd.eventstore.redis;

import io.modularddd.benchmarks.BenchEvent;
import io.modularddd.core.AggregateId;
import io.modularddd.core.EventMetadata;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.serialization.EventTypeRegistry;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 4's codec comparison: the hot tier's member encoding ({@link HotTierCodec}) as JSON, as
 * MessagePack, and as MessagePack with LZ4, for one event with the ~200-byte {@link BenchEvent}
 * payload: nanoseconds per event to encode a {@link StoredEvent} into member bytes and to decode them
 * back (payload included), and the member's size in bytes.
 *
 * <h2>Codecs ({@code codec})</h2>
 * <ul>
 *   <li>{@code json}: {@code HotTierFormat.JSON}, no compression;</li>
 *   <li>{@code msgpack}: {@code HotTierFormat.MESSAGE_PACK}, no compression;</li>
 *   <li>{@code msgpack+lz4}: MessagePack with {@code HotTierCompression.lz4(0)} — threshold 0, so LZ4 is
 *       applied to this small event (the codec still keeps the plain bytes if LZ4 does not make them
 *       smaller; setup prints which happened);</li>
 *   <li>{@code msgpack+lz4-default}: MessagePack with the tier's default {@code lz4(1024)}: a ~200-byte
 *       event is below the threshold and is not compressed, so this is {@code msgpack} plus the size test.</li>
 * </ul>
 *
 * <h2>Bytes per event</h2>
 * The size is deterministic (the codec is), so it is not measured by JMH: setup encodes the benchmark
 * event once and prints {@code # encoded size: N bytes} into the run's output, and
 * {@link CodecSizes} prints the same numbers as a table (average over 100 sample events, and for a
 * larger event), which is what {@code docs/benchmarks.md} shows.
 *
 * <p>Run (after {@code mvn -pl benchmarks -am package -DskipTests}):
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar CodecBenchmark -f 3 -wi 3 -i 5 -w 2s -r 2s -prof gc -rf json -rff codec.json
 * java -cp benchmarks/target/benchmarks.jar io.modularddd.benchmarks.BenchmarkReport codec.json codec json msgpack \
 *      --secondary=gc.alloc.rate.norm
 * java -cp benchmarks/target/benchmarks.jar io.modularddd.eventstore.redis.CodecSizes
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
@Threads(1)
public class CodecBenchmark {

    static final String JSON = "json";
    static final String MSGPACK = "msgpack";
    static final String MSGPACK_LZ4 = "msgpack+lz4";
    static final String MSGPACK_LZ4_DEFAULT = "msgpack+lz4-default";

    /** The codec under test. */
    @Param({JSON, MSGPACK, MSGPACK_LZ4, MSGPACK_LZ4_DEFAULT})
    public String codec;

    private HotTierCodec hotTierCodec;
    private StoredEvent event;
    private AggregateId id;
    private byte[] member;

    /** The registry of the benchmark's event type. */
    static EventTypeRegistry registry() {
        return EventTypeRegistry.builder().register(BenchEvent.TYPE, BenchEvent.class).build();
    }

    /**
     * The codec a {@code codec} parameter names.
     *
     * @param name     the parameter value
     * @param registry the event types
     * @return the codec
     */
    static HotTierCodec codecOf(String name, EventTypeRegistry registry) {
        return switch (name) {
            case JSON -> HotTierCodec.of(registry, HotTierFormat.JSON, HotTierCompression.none());
            case MSGPACK -> HotTierCodec.of(registry, HotTierFormat.MESSAGE_PACK, HotTierCompression.none());
            case MSGPACK_LZ4 -> HotTierCodec.of(registry, HotTierFormat.MESSAGE_PACK, HotTierCompression.lz4(0));
            case MSGPACK_LZ4_DEFAULT -> HotTierCodec.of(registry, HotTierFormat.MESSAGE_PACK,
                    io.modularddd.eventstore.redis.RedisHotTier.DEFAULT_COMPRESSION);
            default -> throw new IllegalArgumentException("unknown codec '" + name + "'; use one of " + JSON + ", "
                    + MSGPACK + ", " + MSGPACK_LZ4 + ", " + MSGPACK_LZ4_DEFAULT);
        };
    }

    /**
     * A stored event as the hot tier holds it: the given payload, no metadata, microsecond time.
     *
     * @param id      the stream
     * @param payload the payload
     * @param version the version (and, offset, the position)
     * @return the event
     */
    static StoredEvent storedEvent(AggregateId id, Object payload, long version) {
        return new StoredEvent(1_000_000 + version, UUID.randomUUID(), id, "Account", BenchEvent.TYPE, payload,
                EventMetadata.empty(), version, Instant.parse("2026-11-26T10:15:30.123456Z"));
    }

    /**
     * Whether a member's header marks an LZ4-compressed body (bit {@code 0x10}, see {@link HotTierCodec}).
     *
     * @param member the member bytes
     * @return true when compressed
     */
    static boolean compressed(byte[] member) {
        return (member[0] & 0x10) != 0;
    }

    /** Builds the codec and the event, checks the round trip, and prints the encoded size. */
    @Setup(Level.Trial)
    public void setUp() {
        hotTierCodec = codecOf(codec, registry());
        id = AggregateId.of("account-" + UUID.randomUUID());
        event = storedEvent(id, BenchEvent.sample(42), 42);
        member = hotTierCodec.encode(event);
        StoredEvent back = hotTierCodec.decode(id, member);
        if (!back.equals(event)) {
            throw new IllegalStateException("CodecBenchmark: " + codec + " does not round-trip: " + back);
        }
        System.out.printf("%n# %s (%s): encoded size: %d bytes, %s%n", codec, hotTierCodec, member.length,
                compressed(member) ? "LZ4-compressed" : "not compressed");
    }

    /**
     * Encodes the event into member bytes.
     *
     * @return the bytes
     */
    @Benchmark
    public byte[] encode() {
        return hotTierCodec.encode(event);
    }

    /**
     * Decodes the member bytes into a stored event, payload included (the codec decodes payloads lazily
     * since ADR 0204, so the payload is asked for here).
     *
     * @return the event, its payload decoded
     */
    @Benchmark
    public StoredEvent decode() {
        StoredEvent e = hotTierCodec.decode(id, member);
        e.payload();
        return e;
    }
}
