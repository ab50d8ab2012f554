package io.modularddd.cqrs;

import java.lang.management.ManagementFactory;

/**
 * Reads how many bytes the current thread has allocated, where the JVM tells
 * ({@code com.sun.management.ThreadMXBean}, HotSpot and its descendants, with allocation accounting on).
 */
final class Allocations {

    private static final com.sun.management.ThreadMXBean BEAN = find();

    private Allocations() {
    }

    private static com.sun.management.ThreadMXBean find() {
        try {
            if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean bean
                    && bean.isThreadAllocatedMemorySupported() && bean.isThreadAllocatedMemoryEnabled()) {
                bean.getCurrentThreadAllocatedBytes();
                return bean;
            }
        } catch (LinkageError | RuntimeException e) {
            // no jdk.management module, or the JVM refuses: allocation is simply not reported
        }
        return null;
    }

    /**
     * Tells whether allocations can be read.
     *
     * @return {@code true} when {@link #current()} returns real numbers
     */
    static boolean available() {
        return BEAN != null;
    }

    /**
     * Returns the bytes allocated by the current thread so far.
     *
     * @return the bytes, or {@code -1} when not available
     */
    static long current() {
        return BEAN == null ? -1 : BEAN.getCurrentThreadAllocatedBytes();
    }

    /**
     * Returns the bytes allocated so far by a thread (alive), by its id.
     *
     * @param threadId the thread's id
     * @return the bytes, or {@code -1} when not available or the thread has ended
     */
    static long of(long threadId) {
        return BEAN == null ? -1 : BEAN.getThreadAllocatedBytes(threadId);
    }
}
