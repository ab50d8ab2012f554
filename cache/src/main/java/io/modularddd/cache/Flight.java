package io.modularddd.cache;

import io.modularddd.core.cache.CacheLoadException;
import java.lang.reflect.Type;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * One load in progress (single flight): the thread that leads it, the tags its result will carry, and the
 * outcome the callers who joined it wait for. An invalidation of its key or one of its tags detaches it,
 * so a caller arriving after the invalidation starts a load of its own instead of joining one that may
 * return the old value.
 */
final class Flight {

    final Thread owner = Thread.currentThread();
    final Set<String> tags;
    final Type resultType;
    private final CountDownLatch done = new CountDownLatch(1);
    private Object value;
    private Throwable failure;

    Flight(Set<String> tags, Type resultType) {
        this.tags = tags;
        this.resultType = resultType;
    }

    boolean carriesAny(Set<String> invalidated) {
        for (String tag : tags) {
            if (invalidated.contains(tag)) {
                return true;
            }
        }
        return false;
    }

    void complete(Object result) {
        value = result;
        done.countDown();
    }

    void fail(Throwable t) {
        failure = t;
        done.countDown();
    }

    /**
     * Waits for the leader's outcome: its result, or its exception rethrown.
     *
     * @param what the query type's name, for the exception on interruption
     * @return the leader's result
     * @throws CacheLoadException when interrupted while waiting (the interrupt flag is set again)
     */
    Object await(String what) {
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CacheLoadException(what + " (interrupted while waiting for the load another caller began)", e);
        }
        Throwable t = failure;
        if (t instanceof RuntimeException) {
            throw (RuntimeException) t;
        }
        if (t instanceof Error) {
            throw (Error) t;
        }
        return value;
    }
}
