package io.modularddd.eventstore.redis;

import com.fasterxml.jackson.databind.ObjectReader;
import io.modularddd.benchmarks.BenchEvent;
import io.modularddd.core.AggregateId;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.serialization.EventTypeRegistry;
import io.modularddd.core.serialization.JacksonEventSerializer;
import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.msgpack.jackson.dataformat.MessagePackFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Where the time of decoding one hot-tier member goes (MessagePack, the default format), for the
 * analysis in {@code docs/benchmarks.md}: the whole member with the tier's {@link HotTierCodec}
 * (payload included), the codec's envelope pass alone (what a hot-tier load pays per event when payloads
 * are not asked for), the envelope alone with a hand-written reader ({@link EnvelopeOnlyDecoder}, an
 * experiment: no checks, payload left as bytes),
 * the payload alone with the same Jackson settings the codec uses, and — for comparison — the payload's
 * JSON through the warm tier's {@link JacksonEventSerializer}.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar DecodeBreakdownBenchmark -f 2 -wi 3 -i 5 -w 2s -r 3s -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
@Threads(1)
public class DecodeBreakdownBenchmark {

    private HotTierCodec codec;
    private AggregateId id;
    private byte[] member;
    private EnvelopeOnlyDecoder.LazyPayload payload;
    private ObjectReader msgpackPayloadReader;
    private JacksonEventSerializer jsonSerializer;
    private byte[] payloadJson;

    /** Encodes the benchmark event once and checks that every path decodes it to the same payload. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        EventTypeRegistry registry = CodecBenchmark.registry();
        codec = HotTierCodec.of(registry, HotTierFormat.MESSAGE_PACK, HotTierCompression.none());
        id = AggregateId.of("account-" + UUID.randomUUID());
        BenchEvent sample = BenchEvent.sample(42);
        StoredEvent event = CodecBenchmark.storedEvent(id, sample, 42);
        member = codec.encode(event);
        StoredEvent envelope = EnvelopeOnlyDecoder.decode(id, member);
        payload = (EnvelopeOnlyDecoder.LazyPayload) envelope.payload();
        MessagePackFactory factory = new MessagePackFactory();
        factory.setReuseResourceInParser(false); // as HotTierCodec: no ThreadLocal buffers
        factory.setReuseResourceInGenerator(false);
        msgpackPayloadReader = JacksonEventSerializer.newObjectMapper(factory, HotTierCodec.MAX_MEMBER_BYTES)
                .readerFor(BenchEvent.class);
        jsonSerializer = JacksonEventSerializer.json(registry);
        payloadJson = jsonSerializer.serialize(sample);
        check(codec.decode(id, member).equals(event), "the tier's codec does not round-trip");
        check(envelope.version() == event.version() && envelope.position() == event.position()
                && envelope.eventId().equals(event.eventId()) && envelope.occurredAt().equals(event.occurredAt())
                && envelope.metadata().equals(event.metadata()), "the envelope decoder reads another envelope");
        check(payloadOnly().equals(sample), "the payload bytes decode to another payload");
        check(jsonSerializer.deserialize(BenchEvent.TYPE, payloadJson).equals(sample), "the JSON payload differs");
        System.out.printf("%n# member %d bytes: payload %d bytes at offset %d; payload as JSON %d bytes%n",
                member.length, payload.length(), payload.offset(), payloadJson.length);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException("DecodeBreakdownBenchmark: " + message);
        }
    }

    /**
     * The whole member, payload included, as a caller that reads the payload gets it.
     *
     * @return the event, its payload decoded
     */
    @Benchmark
    public StoredEvent member() {
        StoredEvent e = codec.decode(id, member);
        e.payload();
        return e;
    }

    /**
     * The member as the hot tier reads it since ADR 0204: envelope decoded and checked, type resolved,
     * payload located (skipped over) but not decoded.
     *
     * @return the event, its payload not decoded
     */
    @Benchmark
    public StoredEvent memberEnvelope() {
        return codec.decode(id, member);
    }

    /**
     * The envelope alone (experiment): payload left as bytes.
     *
     * @return the event with a lazy payload
     */
    @Benchmark
    public StoredEvent envelopeOnly() {
        return EnvelopeOnlyDecoder.decode(id, member);
    }

    /**
     * The payload alone, from the member's bytes, with the codec's Jackson settings.
     *
     * @return the payload
     * @throws IOException never for these bytes
     */
    @Benchmark
    public Object payloadOnly() throws IOException {
        return msgpackPayloadReader.readValue(payload.member(), payload.offset(), payload.length());
    }

    /**
     * The same payload as JSON, through the warm tier's serializer.
     *
     * @return the payload
     */
    @Benchmark
    public Object payloadOnlyJson() {
        return jsonSerializer.deserialize(BenchEvent.TYPE, payloadJson);
    }
}
