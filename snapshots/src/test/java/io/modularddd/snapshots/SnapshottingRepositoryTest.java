package io.modularddd.snapshots;

import io.modularddd.core.aggregate.AggregateAccess;
import io.modularddd.core.NewEvent;
import io.modularddd.core.AppendResult;
import io.modularddd.core.AppendRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.jsontype.impl.LaissezFaireSubTypeValidator;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modularddd.core.AggregateId;
import io.modularddd.core.AggregateNotFoundException;
import io.modularddd.core.ConcurrencyConflictException;
import io.modularddd.core.EventStore;
import io.modularddd.core.EventStream;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.ForwardingEventStore;
import io.modularddd.core.InMemoryEventStore;
import io.modularddd.core.StreamErasedException;
import io.modularddd.core.StreamState;
import io.modularddd.core.StreamTruncatedException;
import io.modularddd.core.aggregate.EventSourcedRepository;
import io.modularddd.core.serialization.EventSerializer;
import io.modularddd.core.snapshot.InMemorySnapshotStore;
import io.modularddd.core.snapshot.Snapshot;
import io.modularddd.core.snapshot.SnapshotStore;
import io.modularddd.snapshots.Fixtures.ManualExecutor;
import io.modularddd.snapshots.Fixtures.ManualTicker;
import io.modularddd.snapshots.Fixtures.Wallet;
import io.modularddd.snapshots.Fixtures.WalletState;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class SnapshottingRepositoryTest {

    /** Counts the reads the repository makes. */
    static final class CountingStore extends ForwardingEventStore {
        final AtomicInteger streamStates = new AtomicInteger();
        final List<Long> loadsFrom = new ArrayList<>();

        CountingStore(EventStore delegate) {
            super(delegate);
        }

        @Override
        public StreamState streamState(AggregateId aggregateId) {
            streamStates.incrementAndGet();
            return super.streamState(aggregateId);
        }

        @Override
        public EventStream load(AggregateId aggregateId, long fromVersion, long toVersion) {
            synchronized (loadsFrom) {
                loadsFrom.add(fromVersion);
            }
            return super.load(aggregateId, fromVersion, toVersion);
        }
    }

    final InMemoryEventStore memory = InMemoryEventStore.create(Fixtures.SERIALIZER);
    final CountingStore events = new CountingStore(memory);
    final InMemorySnapshotStore snapshots = InMemorySnapshotStore.create();
    final ManualExecutor executor = new ManualExecutor();
    final ManualTicker ticker = new ManualTicker();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final AggregateId id = AggregateId.of("wallet-1");
    final EventSourcedRepository<Wallet> plain = EventSourcedRepository.create(memory, "Wallet", Wallet::new);

    SnapshottingRepositoryBuilder<Wallet> builder() {
        return SnapshottingRepository.builder(events, "Wallet", Wallet::new, WalletState.class)
                .snapshotStore(snapshots).executor(executor).ticker(ticker).meterRegistry(meters);
    }

    /** A cache that admits every loaded aggregate. */
    SnapshottingRepository<Wallet> cached() {
        return builder().cacheAdmission(0, -1).build();
    }

    /** Stores an open and {@code deposits} deposits of 10: version {@code deposits + 1}. */
    void seed(AggregateId aggregate, int deposits) {
        Wallet w = new Wallet(aggregate);
        w.open("ada");
        for (int i = 0; i < deposits; i++) {
            w.deposit(10);
        }
        plain.save(w);
    }

    void snapshot(long version, int schema, String type, String json) {
        snapshots.save(new Snapshot(id, type, version, schema, json.getBytes(StandardCharsets.UTF_8), Instant.now()));
    }

    void snapshot(long version, long balance) {
        snapshot(version, 1, "Wallet", "{\"owner\":\"ada\",\"balance\":" + balance + "}");
    }

    double count(String name, String... tags) {
        return meters.get("modularddd.snapshots." + name).tags(tags).counter().count();
    }

    @Nested
    class Loading {

        @Test
        void starts_from_the_newest_snapshot_and_replays_only_the_events_after_it() {
            // given 12 events (balance 110) and a snapshot at 10 whose state says 1000, so its use shows
            seed(id, 11);
            snapshot(10, 1000);
            // when
            Wallet w = builder().build().load(id);
            // then
            assertThat(w.version()).isEqualTo(12);
            assertThat(w.persistedVersion()).isEqualTo(12);
            assertThat(w.balance).isEqualTo(1020);
            assertThat(events.loadsFrom).containsExactly(11L);
        }

        @Test
        void without_a_snapshot_rebuilds_from_every_event() {
            seed(id, 11);
            Wallet w = builder().build().load(id);
            assertThat(w.balance).isEqualTo(110);
            assertThat(events.loadsFrom).containsExactly(1L);
        }

        @Test
        void a_snapshot_at_the_head_needs_no_event_read() {
            seed(id, 11);
            snapshot(12, 500);
            Wallet w = builder().build().load(id);
            assertThat(w.balance).isEqualTo(500);
            assertThat(events.loadsFrom).isEmpty();
        }

        @Test
        void an_unknown_aggregate_is_absent() {
            SnapshottingRepository<Wallet> repo = builder().build();
            assertThat(repo.find(id)).isEmpty();
            assertThatThrownBy(() -> repo.load(id)).isInstanceOf(AggregateNotFoundException.class);
        }
    }

    @Nested
    class Saving {

        @Test
        void the_snapshot_is_written_on_the_executor_after_the_save_returned() throws Exception {
            // given
            SnapshottingRepository<Wallet> repo = builder().strategy(SimpleSnapshotStrategy.everyEvents(3)).build();
            Wallet w = new Wallet(id);
            w.open("ada");
            w.deposit(10);
            w.deposit(10);
            // when
            repo.save(w);
            w.deposit(1000); // the caller goes on with its aggregate: the snapshot keeps the saved state
            // then nothing yet on the caller's path
            assertThat(snapshots.newest(id)).isEmpty();
            assertThat(executor.runAll()).isEqualTo(1);
            Snapshot s = snapshots.newest(id).orElseThrow();
            assertThat(s.version()).isEqualTo(3);
            assertThat(s.aggregateType()).isEqualTo("Wallet");
            assertThat(s.schemaVersion()).isEqualTo(1);
            assertThat(new ObjectMapper().readValue(s.state(), WalletState.class)).isEqualTo(new WalletState("ada", 20));
            assertThat(count("written", "aggregate_type", "Wallet")).isEqualTo(1);
        }

        @Test
        void events_appended_on_its_behalf_are_snapshotted_when_it_is_told() throws Exception {
            // given a wallet whose events a unit of work appended, bypassing the repository's save
            SnapshottingRepository<Wallet> repo = builder().strategy(SimpleSnapshotStrategy.everyEvents(3)).build();
            Wallet w = new Wallet(id);
            w.open("ada");
            w.deposit(10);
            w.deposit(10);
            List<NewEvent> pending = List.copyOf(w.uncommittedEvents());
            AppendResult result = memory.append(new AppendRequest(id, "Wallet", ExpectedVersion.noStream(), pending));
            AggregateAccess.markPersisted(w, result);
            assertThat(executor.runAll()).isZero();
            // when the repository is told
            repo.committed(w, pending, result);
            // then it takes the snapshot its strategy asks for, as after its own save
            assertThat(executor.runAll()).isEqualTo(1);
            Snapshot s = snapshots.newest(id).orElseThrow();
            assertThat(s.version()).isEqualTo(3);
            assertThat(new ObjectMapper().readValue(s.state(), WalletState.class)).isEqualTo(new WalletState("ada", 20));
            // and the next load starts from it, reading no event
            assertThat(repo.load(id).balance).isEqualTo(20);
            assertThat(events.loadsFrom).isEmpty();
        }

        @Test
        void counts_the_events_since_the_last_snapshot() {
            SnapshottingRepository<Wallet> repo = builder().strategy(SimpleSnapshotStrategy.everyEvents(3)).build();
            Wallet w = new Wallet(id);
            w.open("ada");
            w.deposit(1);
            w.deposit(1);
            repo.save(w);
            executor.runAll();
            w.deposit(1);
            repo.save(w);
            assertThat(executor.runAll()).isZero();
            w.deposit(1);
            w.deposit(1);
            repo.save(w);
            executor.runAll();
            assertThat(snapshots.newest(id).orElseThrow().version()).isEqualTo(6);
        }

        @Test
        void a_failed_snapshot_write_never_fails_the_save() {
            // given a snapshot store that cannot write
            SnapshotStore broken = new SnapshotStore() {
                @Override
                public void save(Snapshot snapshot) {
                    throw new IllegalStateException("disk full");
                }

                @Override
                public Optional<Snapshot> newest(AggregateId aggregateId) {
                    return Optional.empty();
                }

                @Override
                public void delete(AggregateId aggregateId) {
                }
            };
            SnapshottingRepository<Wallet> repo = SnapshottingRepository.builder(events, "Wallet", Wallet::new,
                            WalletState.class).snapshotStore(broken).executor(executor).meterRegistry(meters)
                    .strategy(SimpleSnapshotStrategy.everyEvents(1)).build();
            Wallet w = new Wallet(id);
            w.open("ada");
            // when
            assertThat(repo.save(w)).isPresent();
            executor.runAll();
            // then
            assertThat(memory.currentVersion(id)).isEqualTo(1);
            assertThat(count("failed", "aggregate_type", "Wallet")).isEqualTo(1);
            assertThat(count("written", "aggregate_type", "Wallet")).isZero();
        }

        @Test
        void a_failing_strategy_or_a_full_executor_never_fails_the_save() {
            SnapshottingRepository<Wallet> throwing = builder().strategy(ctx -> {
                throw new IllegalStateException("boom");
            }).build();
            Wallet w = new Wallet(id);
            w.open("ada");
            assertThat(throwing.save(w)).isPresent();

            SnapshottingRepository<Wallet> full = SnapshottingRepository.builder(events, "Wallet", Wallet::new,
                            WalletState.class).snapshotStore(snapshots).meterRegistry(new SimpleMeterRegistry())
                    .executor(task -> {
                        throw new RejectedExecutionException("queue full");
                    }).strategy(SimpleSnapshotStrategy.everyEvents(1)).build();
            w.deposit(5);
            assertThat(full.save(w)).isPresent();
            assertThat(memory.currentVersion(id)).isEqualTo(2);
            assertThat(count("failed", "aggregate_type", "Wallet")).isEqualTo(1);
        }

        @Test
        void records_appended_event_sizes_off_the_callers_path_when_given_statistics() {
            InMemoryAggregateStats stats = InMemoryAggregateStats.builder().ticker(ticker).build();
            SnapshottingRepository<Wallet> repo = builder().aggregateStats(stats).build();
            Wallet w = new Wallet(id);
            w.open("ada");
            w.deposit(10);
            repo.save(w);
            assertThat(stats.statistics(id).averageEventBytes()).isZero();
            executor.runAll();
            assertThat(stats.statistics(id).averageEventBytes()).isEqualTo(
                    (Fixtures.SERIALIZER.serialize(new Fixtures.Opened("ada")).length
                            + Fixtures.SERIALIZER.serialize(new Fixtures.Deposited(10)).length) / 2.0);
        }
    }

    /** A snapshot that cannot be used is ignored, counted by reason, and the aggregate rebuilt from events. */
    @Nested
    class Safety {

        void rebuiltFromEvents(SnapshottingRepository<Wallet> repo, String reason) {
            Wallet w = repo.load(id);
            assertThat(w.balance).isEqualTo(110);
            assertThat(w.version()).isEqualTo(12);
            assertThat(count("ignored", "aggregate_type", "Wallet", "reason", reason)).isEqualTo(1);
            assertThat(events.loadsFrom).containsExactly(1L);
        }

        @Test
        void a_snapshot_of_another_schema_version() {
            seed(id, 11);
            snapshot(10, 1000);
            SnapshottingRepository<Wallet> repo = SnapshottingRepository.builder(events, "Wallet", aggregate -> {
                Wallet w = new Wallet(aggregate);
                w.schemaVersion = 2;
                return w;
            }, WalletState.class).snapshotStore(snapshots).executor(executor).meterRegistry(meters).build();
            rebuiltFromEvents(repo, "schema_version");
        }

        @Test
        void a_snapshot_that_fails_to_deserialize() {
            seed(id, 11);
            snapshot(10, 1, "Wallet", "not json {");
            rebuiltFromEvents(builder().build(), "unreadable");
        }

        @Test
        void a_snapshot_ahead_of_the_streams_head() {
            seed(id, 11);
            snapshot(50, 1000);
            rebuiltFromEvents(builder().build(), "ahead_of_stream");
        }

        @Test
        void a_snapshot_of_another_aggregate_type() {
            seed(id, 11);
            snapshot(10, 1, "Order", "{\"owner\":\"ada\",\"balance\":1000}");
            rebuiltFromEvents(builder().build(), "aggregate_type");
        }

        @Test
        void a_snapshot_store_that_fails_to_read() {
            seed(id, 11);
            SnapshotStore failing = new SnapshotStore() {
                @Override
                public void save(Snapshot snapshot) {
                }

                @Override
                public Optional<Snapshot> newest(AggregateId aggregateId) {
                    throw new IllegalStateException("connection refused");
                }

                @Override
                public void delete(AggregateId aggregateId) {
                }
            };
            SnapshottingRepository<Wallet> repo = SnapshottingRepository.builder(events, "Wallet", Wallet::new,
                    WalletState.class).snapshotStore(failing).meterRegistry(meters).build();
            rebuiltFromEvents(repo, "store_failed");
        }

        @Test
        void the_state_is_read_only_into_the_declared_class_and_a_type_hint_in_it_is_just_an_unknown_field() {
            seed(id, 11);
            snapshot(10, 1, "Wallet", "{\"@class\":\"java.lang.ProcessBuilder\",\"owner\":\"ada\",\"balance\":7}");
            assertThat(builder().build().load(id).balance).isEqualTo(27);
        }
    }

    @Nested
    class Lifecycle {

        @Test
        void a_deleted_stream_is_absent_even_with_a_snapshot_and_a_cache_entry() {
            // given
            seed(id, 11);
            snapshot(12, 110);
            SnapshottingRepository<Wallet> repo = cached();
            repo.load(id); // cached
            // when
            memory.delete(id, ExpectedVersion.any());
            // then
            assertThat(repo.find(id)).isEmpty();
            assertThat(builder().build().find(id)).isEmpty();
        }

        @Test
        void a_stream_started_again_after_a_delete_ignores_snapshots_of_its_earlier_life() {
            // given a life that ended at version 10 with a snapshot
            seed(id, 9);
            snapshot(10, 1000);
            memory.delete(id, ExpectedVersion.any());
            SnapshottingRepository<Wallet> repo = builder().build();
            Wallet reborn = new Wallet(id);
            reborn.open("bob");
            reborn.deposit(3);
            repo.save(reborn);
            // when
            Wallet w = repo.load(id);
            // then
            assertThat(w.version()).isEqualTo(12);
            assertThat(w.owner).isEqualTo("bob");
            assertThat(w.balance).isEqualTo(3);
            assertThat(count("ignored", "aggregate_type", "Wallet", "reason", "earlier_life")).isEqualTo(1);
        }

        @Test
        void a_truncated_stream_loads_from_a_snapshot_at_or_after_the_truncation_point() {
            // given 20 events and a snapshot at 15
            seed(id, 19);
            snapshot(15, 140);
            memory.truncateBefore(id, 16);
            // when
            Wallet w = builder().build().load(id);
            // then
            assertThat(w.version()).isEqualTo(20);
            assertThat(w.balance).isEqualTo(190);
        }

        @Test
        void a_truncated_stream_without_a_usable_snapshot_raises_stream_truncated() {
            seed(id, 19);
            memory.truncateBefore(id, 16);
            assertThatThrownBy(() -> builder().build().load(id)).isInstanceOf(StreamTruncatedException.class)
                    .hasMessageContaining("16");
            snapshot(10, 90);
            assertThatThrownBy(() -> builder().build().load(id)).isInstanceOf(StreamTruncatedException.class);
            assertThat(count("ignored", "aggregate_type", "Wallet", "reason", "before_truncation")).isEqualTo(1);
        }

        @Test
        void an_erased_stream_raises_stream_erased_and_loses_its_snapshot() {
            seed(id, 11);
            snapshot(10, 100);
            memory.erase(id);
            assertThatThrownBy(() -> builder().build().load(id)).isInstanceOf(StreamErasedException.class);
            assertThat(snapshots.newest(id)).isEmpty();
        }

        @Test
        void an_erased_stream_is_never_snapshotted() {
            // given an aggregate loaded before its stream was erased
            seed(id, 2);
            SnapshottingRepository<Wallet> repo = builder().strategy(SimpleSnapshotStrategy.everyEvents(1)).build();
            Wallet w = repo.load(id);
            memory.erase(id);
            // when
            w.deposit(1);
            repo.save(w);
            executor.runAll();
            // then
            assertThat(snapshots.newest(id)).isEmpty();
            assertThat(count("skipped", "aggregate_type", "Wallet", "reason", "erased")).isEqualTo(1);
        }
    }

    @Nested
    class Cache {

        @Test
        void two_callers_of_one_cached_aggregate_never_see_each_others_uncommitted_changes() {
            // given
            seed(id, 11);
            SnapshottingRepository<Wallet> repo = cached();
            repo.load(id);
            // when
            Wallet first = repo.load(id);
            Wallet second = repo.load(id);
            first.deposit(5);
            // then
            assertThat(first).isNotSameAs(second);
            assertThat(second.balance).isEqualTo(110);
            assertThat(second.uncommittedEvents()).isEmpty();
            assertThat(repo.load(id).balance).isEqualTo(110);
            assertThat(count("cache.hits", "aggregate_type", "Wallet")).isEqualTo(3);
            // and when the first saves, the second's save conflicts and evicts the entry
            repo.save(first);
            second.deposit(7);
            assertThatThrownBy(() -> repo.save(second)).isInstanceOf(ConcurrencyConflictException.class);
            assertThat(count("cache.evictions", "aggregate_type", "Wallet", "cause", "conflict")).isEqualTo(1);
            assertThat(repo.load(id).balance).isEqualTo(115);
        }

        @Test
        void a_write_through_another_repository_instance_is_seen() {
            // given
            seed(id, 11);
            SnapshottingRepository<Wallet> mine = cached();
            mine.load(id);
            // when another node writes
            SnapshottingRepository<Wallet> other = SnapshottingRepository.builder(memory, "Wallet", Wallet::new,
                    WalletState.class).snapshotStore(snapshots).executor(executor).build();
            Wallet w = other.load(id);
            w.deposit(5);
            other.save(w);
            // then
            Wallet seen = mine.load(id);
            assertThat(seen.balance).isEqualTo(115);
            assertThat(seen.version()).isEqualTo(13);
            assertThat(count("cache.hits", "aggregate_type", "Wallet")).isEqualTo(1);
            assertThat(events.loadsFrom).containsExactly(1L, 13L); // the full load, then only the tail
        }

        @Test
        void a_hit_with_nothing_new_reads_only_the_streams_state() {
            seed(id, 11);
            SnapshottingRepository<Wallet> repo = cached();
            repo.load(id);
            int states = events.streamStates.get();
            repo.load(id);
            assertThat(events.streamStates.get()).isEqualTo(states + 1);
            assertThat(events.loadsFrom).containsExactly(1L);
        }

        @Test
        void a_single_writer_trusts_its_cache_without_reading_the_store() {
            seed(id, 11);
            SnapshottingRepository<Wallet> repo = builder().cacheAdmission(0, -1).singleWriter().build();
            Wallet w = repo.load(id);
            w.deposit(5);
            repo.save(w);
            int states = events.streamStates.get();
            // when
            Wallet again = repo.load(id);
            // then the save refreshed the entry, and the hit read nothing
            assertThat(again.balance).isEqualTo(115);
            assertThat(again.version()).isEqualTo(13);
            assertThat(events.streamStates.get()).isEqualTo(states);
            assertThat(events.loadsFrom).containsExactly(1L);
        }

        @Test
        void a_save_refreshes_the_entry_of_a_cached_aggregate() {
            seed(id, 11);
            SnapshottingRepository<Wallet> repo = cached();
            Wallet w = repo.load(id);
            w.deposit(5);
            repo.save(w);
            assertThat(repo.load(id).balance).isEqualTo(115);
            assertThat(events.loadsFrom).containsExactly(1L);
        }

        @Test
        void the_seed_rule_admits_aggregates_above_version_5_loaded_more_than_once_in_10_seconds() {
            // given version 5: never admitted
            AggregateId small = AggregateId.of("small");
            seed(small, 4);
            seed(id, 11);
            SnapshottingRepository<Wallet> repo = builder().build();
            for (int i = 0; i < 5; i++) {
                repo.load(small);
            }
            // when version 12 is loaded 3 times (0.1/s over the first 30 s: not more than 0.1), then a 4th
            for (int i = 0; i < 3; i++) {
                repo.load(id);
            }
            assertThat(count("cache.hits", "aggregate_type", "Wallet")).isZero();
            repo.load(id);
            repo.load(id);
            // then only the last load was a hit
            assertThat(count("cache.hits", "aggregate_type", "Wallet")).isEqualTo(1);
        }

        @Test
        void clear_cache_empties_it() {
            seed(id, 11);
            SnapshottingRepository<Wallet> repo = cached();
            repo.load(id);
            repo.clearCache();
            repo.load(id);
            assertThat(count("cache.hits", "aggregate_type", "Wallet")).isZero();
            assertThat(count("cache.misses", "aggregate_type", "Wallet")).isEqualTo(2);
            assertThat(count("cache.evictions", "aggregate_type", "Wallet", "cause", "cleared")).isEqualTo(1);
        }

        @Test
        void is_bounded_by_the_bytes_it_holds() {
            SnapshottingRepository<Wallet> repo = builder().cacheAdmission(0, -1).cacheMaximumBytes(400).build();
            for (int i = 0; i < 20; i++) {
                AggregateId a = AggregateId.of("w-" + i);
                seed(a, 1);
                repo.load(a);
            }
            assertThat(count("cache.evictions", "aggregate_type", "Wallet", "cause", "size")).isGreaterThan(10);
        }

        @Test
        void can_be_turned_off() {
            seed(id, 11);
            SnapshottingRepository<Wallet> repo = builder().cacheAdmission(0, -1).cacheMaximumBytes(0).build();
            repo.load(id);
            repo.load(id);
            assertThat(events.loadsFrom).containsExactly(1L, 1L);
            assertThat(count("cache.misses", "aggregate_type", "Wallet")).isZero();
        }
    }

    @Nested
    class Meters {

        @Test
        void tags_carry_the_aggregate_type_and_a_reason_never_an_id() {
            seed(id, 11);
            snapshot(50, 1);
            SnapshottingRepository<Wallet> repo = builder().cacheAdmission(0, -1)
                    .strategy(SimpleSnapshotStrategy.everyEvents(1)).build();
            Wallet w = repo.load(id);
            w.deposit(1);
            repo.save(w);
            executor.runAll();
            List<Meter> ours = meters.getMeters().stream()
                    .filter(m -> m.getId().getName().startsWith("modularddd.snapshots.")).toList();
            assertThat(ours).isNotEmpty();
            for (Meter m : ours) {
                assertThat(m.getId().getTags()).extracting(Tag::getKey).isSubsetOf("aggregate_type", "reason", "cause");
                assertThat(m.getId().getTags()).extracting(Tag::getValue).doesNotContain(id.value());
            }
        }
    }

    @Nested
    class Builder {

        @Test
        void refuses_bad_and_repeated_settings_and_says_what_is_missing() {
            assertThatThrownBy(() -> SnapshottingRepository.builder(null, "Wallet", Wallet::new, WalletState.class))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("store must not be null");
            assertThatThrownBy(() -> SnapshottingRepository.builder(events, " ", Wallet::new, WalletState.class))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("aggregateType");
            assertThatThrownBy(() -> builder().snapshotStore(snapshots)).isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("snapshotStore was already set");
            assertThatThrownBy(() -> builder().cacheMaximumBytes(-1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("cacheMaximumBytes must be between 0 and 68719476736 but was -1");
            assertThatThrownBy(() -> SnapshottingRepository.builder(events, "Wallet", Wallet::new, WalletState.class)
                    .build()).isInstanceOf(IllegalStateException.class).hasMessageContaining("snapshotStore is not set");
        }

        @Test
        void needs_a_mapper_when_the_store_has_no_jackson_serializer() {
            EventStore opaque = new ForwardingEventStore(memory) {
                @Override
                public Optional<EventSerializer> serializer() {
                    return Optional.empty();
                }
            };
            assertThatThrownBy(() -> SnapshottingRepository.builder(opaque, "Wallet", Wallet::new, WalletState.class)
                    .snapshotStore(snapshots).build()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("objectMapper is not set");
            assertThat(SnapshottingRepository.builder(opaque, "Wallet", Wallet::new, WalletState.class)
                    .snapshotStore(snapshots).objectMapper(new ObjectMapper()).build()).isNotNull();
        }

        @Test
        void refuses_a_mapper_with_default_typing() {
            ObjectMapper unsafe = new ObjectMapper();
            unsafe.activateDefaultTyping(LaissezFaireSubTypeValidator.instance);
            assertThatThrownBy(() -> builder().objectMapper(unsafe)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("default typing");
        }
    }
}
