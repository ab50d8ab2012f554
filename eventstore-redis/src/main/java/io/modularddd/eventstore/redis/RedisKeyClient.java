package io.modularddd.eventstore.redis;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisBusyException;
import redis.clients.jedis.exceptions.JedisClusterException;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisRedirectionException;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * A Jedis client (standalone or cluster), opened by {@link RedisConnection#open()}, for the hot tier
 * ({@link RedisOps}), the snapshot store and the aggregate statistics: simple commands go through
 * {@link #jedis()}, which follows cluster redirections itself; a WATCH/MULTI/EXEC or a pipelined
 * transaction runs on {@link #connection(String)}, a pooled connection to the node that owns the key's
 * slot, because {@code RedisClusterClient} offers no transactions (see {@link RedisOps}); commands on
 * many keys go through one {@link #pipeline()}.
 */
final class RedisKeyClient implements AutoCloseable {

    private final UnifiedJedis client;
    private final RedisClient standalone;
    private final RedisClusterClient cluster;
    private final ExecutorService callerRuns = new CallerRunsExecutor();

    private RedisKeyClient(UnifiedJedis client, RedisClient standalone, RedisClusterClient cluster) {
        this.client = client;
        this.standalone = standalone;
        this.cluster = cluster;
    }

    static RedisKeyClient standalone(RedisClient client) {
        return new RedisKeyClient(client, client, null);
    }

    static RedisKeyClient cluster(RedisClusterClient client) {
        return new RedisKeyClient(client, null, client);
    }

    UnifiedJedis jedis() {
        return client;
    }

    boolean isCluster() {
        return cluster != null;
    }

    /** A pipeline for commands on many keys: a cluster pipeline on Redis Cluster; the caller closes it. */
    AbstractPipeline pipeline() {
        // a cluster pipeline spanning nodes would otherwise start threads of its own for each sync;
        // replies are read node after node in the caller's thread (all requests are already sent)
        return standalone != null ? standalone.pipelined() : cluster.pipelined(callerRuns);
    }

    /** A pooled connection to the node serving {@code key}; the caller closes it (back to the pool). */
    Connection connection(String key) {
        return standalone != null ? standalone.getPool().getResource()
                : cluster.getConnectionFromSlot(JedisClusterCRC16.getSlot(key));
    }

    /** A pooled connection to the node serving {@code key}; the caller closes it (back to the pool). */
    Connection connection(byte[] key) {
        return standalone != null ? standalone.getPool().getResource()
                : cluster.getConnectionFromSlot(JedisClusterCRC16.getSlot(key));
    }

    /**
     * After an error on a slot connection of a cluster, sends one key-routed command through the
     * cluster client: if the slot moved (MOVED/ASK, which a per-slot MULTI/EXEC and a cluster pipeline
     * do not follow), the client follows the redirection and refreshes its slot map, so the next slot
     * connection goes to the new owner.
     *
     * @return true on a cluster (a retry may now succeed)
     */
    boolean reroute(byte[] key) {
        if (cluster == null) {
            return false;
        }
        try {
            cluster.exists(key);
        } catch (RuntimeException e) {
            // the original failure is what the caller reports
        }
        return true;
    }

    /** Destroys idle pooled connections, after a connection failure showed they may be dead. */
    void clearIdleConnections() {
        try {
            if (standalone != null) {
                standalone.getPool().clear();
            } else {
                for (ConnectionPool pool : cluster.getClusterNodes().values()) {
                    pool.clear();
                }
            }
        } catch (RuntimeException e) {
            // best effort: broken connections are replaced as they fail
        }
    }

    /**
     * Whether repeating the call may succeed: Redis unreachable, timing out, loading, busy, a cluster
     * resharding or down, no free pooled connection. Not for an error about the data (wrong type, out
     * of memory) or refused credentials.
     *
     * @param e a failure of a Jedis call
     * @return true when it is a connection-level, passing failure
     */
    static boolean isTransient(Throwable e) {
        if (e instanceof JedisAccessControlException) {
            return false;
        }
        if (e instanceof JedisConnectionException || e instanceof JedisClusterOperationException
                || e instanceof JedisClusterException || e instanceof JedisBusyException
                || e instanceof JedisRedirectionException) {
            return true;
        }
        if (e instanceof JedisDataException) {
            String m = String.valueOf(e.getMessage());
            return m.startsWith("LOADING") || m.startsWith("TRYAGAIN") || m.startsWith("MASTERDOWN");
        }
        // the pool gave no connection within its wait (exhausted, or none could be made)
        return e.getCause() instanceof NoSuchElementException || e.getCause() instanceof JedisConnectionException;
    }

    @Override
    public void close() {
        client.close();
    }

    /** Runs each task in the calling thread. */
    private static final class CallerRunsExecutor extends AbstractExecutorService {
        @Override
        public void execute(Runnable command) {
            command.run();
        }

        @Override
        public void shutdown() {
        }

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return false;
        }
    }
}
