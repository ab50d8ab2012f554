package io.modularddd.eventstore.redis;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.MigrateParams;

/**
 * A local Redis Cluster of masters without replicas, each a {@link LocalRedis} in its own
 * directory, formed with {@code redis-cli --cluster create}. {@link #close()} stops every node and
 * deletes the directories, also when forming the cluster failed half-way.
 */
final class LocalRedisCluster implements AutoCloseable {

    private final List<LocalRedis> nodes = new ArrayList<>();

    private LocalRedisCluster() {
    }

    static LocalRedisCluster start(int masters) {
        LocalRedis.requireBinaries();
        LocalRedisCluster cluster = new LocalRedisCluster();
        try {
            for (int i = 0; i < masters; i++) {
                int port = LocalRedis.freePort(true);
                cluster.nodes.add(LocalRedis.startClusterNode(port));
            }
            cluster.create();
            cluster.awaitOk();
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    private void create() {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        for (LocalRedis n : nodes) {
            cmd.add("127.0.0.1:" + n.port());
        }
        cmd.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        try {
            Path out = nodes.get(0).dir().resolve("cluster-create.txt");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("redis-cli --cluster create failed: " + nodes.get(0).log());
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not run redis-cli", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void awaitOk() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            boolean ok = true;
            for (LocalRedis n : nodes) {
                try (Jedis j = LocalRedis.jedis(n.port())) {
                    String info = j.clusterInfo();
                    ok &= info.contains("cluster_state:ok") && info.contains("cluster_slots_ok:16384")
                            && info.contains("cluster_known_nodes:" + nodes.size());
                } catch (RuntimeException e) {
                    ok = false;
                }
            }
            if (ok) {
                return;
            }
            LocalRedis.sleep(100);
        }
        throw new IllegalStateException("the cluster did not reach cluster_state:ok");
    }

    String[] seedUris() {
        return nodes.stream().map(LocalRedis::uri).toArray(String[]::new);
    }

    List<LocalRedis> nodes() {
        return nodes;
    }

    /** Moves one slot and its keys from one node to another, as redis-cli --cluster reshard does. */
    void migrateSlot(int slot, int from, int to) {
        LocalRedis source = nodes.get(from);
        LocalRedis dest = nodes.get(to);
        try (Jedis src = LocalRedis.jedis(source.port()); Jedis dst = LocalRedis.jedis(dest.port())) {
            String srcId = src.clusterMyId();
            String dstId = dst.clusterMyId();
            dst.clusterSetSlotImporting(slot, srcId);
            src.clusterSetSlotMigrating(slot, dstId);
            List<String> keys;
            while (!(keys = src.clusterGetKeysInSlot(slot, 100)).isEmpty()) {
                src.migrate("127.0.0.1", dest.port(), 5_000, new MigrateParams(), keys.toArray(String[]::new));
            }
            for (LocalRedis n : nodes) {
                try (Jedis j = LocalRedis.jedis(n.port())) {
                    j.clusterSetSlotNode(slot, dstId);
                }
            }
        }
    }

    @Override
    public void close() {
        for (LocalRedis n : nodes) {
            n.close();
        }
    }
}
