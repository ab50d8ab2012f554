package io.modularddd.cqrs;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AggregateNotFoundException;
import io.modularddd.core.AppendResult;
import io.modularddd.core.EventMetadata;
import io.modularddd.core.NewEvent;
import io.modularddd.core.aggregate.AggregateRepository;
import io.modularddd.core.aggregate.AggregateRoot;
import io.modularddd.core.internal.Checks;
import java.util.List;
import java.util.Optional;

/** A repository whose loads and saves join the open {@link UnitOfWork}, if any (see there). */
final class UnitOfWorkRepository<A extends AggregateRoot<A>> implements AggregateRepository<A> {

    private final UnitOfWork unitOfWork;
    private final String aggregateType;
    private final AggregateRepository<A> delegate;

    UnitOfWorkRepository(UnitOfWork unitOfWork, String aggregateType, AggregateRepository<A> delegate) {
        this.unitOfWork = unitOfWork;
        this.aggregateType = aggregateType;
        this.delegate = delegate;
    }

    String aggregateType() {
        return aggregateType;
    }

    @Override
    public A load(AggregateId id) {
        return find(id).orElseThrow(() -> new AggregateNotFoundException(aggregateType, id));
    }

    @Override
    public Optional<A> find(AggregateId id) {
        Checks.notNull("id", id);
        UnitOfWork.Work work = unitOfWork.current();
        if (work == null) {
            return delegate.find(id);
        }
        UnitOfWork.Entry<?> entry = work.entry(id);
        if (entry != null) {
            return Optional.of(own(entry, id));
        }
        Optional<A> found = delegate.find(id);
        found.ifPresent(aggregate -> work.track(this, aggregate));
        return found;
    }

    @Override
    public Optional<AppendResult> save(A aggregate, EventMetadata metadata) {
        Checks.notNull("aggregate", aggregate);
        Checks.notNull("metadata", metadata);
        UnitOfWork.Work work = unitOfWork.current();
        if (work == null) {
            return delegate.save(aggregate, metadata);
        }
        UnitOfWork.Entry<?> entry = work.entry(aggregate.id());
        if (entry != null) {
            own(entry, aggregate.id());
        }
        work.save(this, aggregate, metadata);
        return Optional.empty();
    }

    /** Passes the news of a commit on to the wrapped repository (its cache and snapshots). */
    @Override
    public void committed(A aggregate, List<NewEvent> events, AppendResult result) {
        delegate.committed(aggregate, events, result);
    }

    private A own(UnitOfWork.Entry<?> entry, AggregateId id) {
        if (entry.owner != this) {
            throw new IllegalStateException("stream '" + id.value() + "' is used through two repositories in one "
                    + "unit of work (" + entry.owner.aggregateType() + " and " + aggregateType + "); one stream is "
                    + "one aggregate");
        }
        @SuppressWarnings("unchecked")
        A aggregate = (A) entry.aggregate;
        return aggregate;
    }

    @Override
    public String toString() {
        return "UnitOfWork repository of " + aggregateType + " over " + delegate;
    }
}
