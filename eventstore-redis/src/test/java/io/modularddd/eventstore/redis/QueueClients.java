package io.modularddd.eventstore.redis;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * Kills a {@link RedisCommandQueue}'s connections server-side, as the death of its process would drop them:
 * {@code CLIENT LIST} on every node, then {@code CLIENT KILL ID} for each connection carrying the queue's
 * client name. Nothing is acknowledged or failed on the way. Public for the integration tests (through
 * eventstore-redis's test-jar): the client name is no public API, and this class, in the same package, is the
 * tests' one way to it.
 */
public final class QueueClients {

    private static final Pattern LINE = Pattern.compile("(?m)^id=(\\d+) .*? name=(\\S*) ");

    private QueueClients() {
    }

    /**
     * Kills every connection of a queue client.
     *
     * @param inspector a client of the same server or cluster
     * @param queue     the queue client whose connections die
     * @return how many connections were killed
     */
    public static int kill(UnifiedJedis inspector, RedisCommandQueue queue) {
        String name = queue.clientName();
        int killed = 0;
        if (inspector instanceof RedisClusterClient cluster) {
            for (ConnectionPool pool : cluster.getClusterNodes().values()) {
                try (Connection c = pool.getResource()) {
                    killed += kill(c, name);
                }
            }
        } else {
            try (Connection c = ((RedisClient) inspector).getPool().getResource()) {
                killed += kill(c, name);
            }
        }
        return killed;
    }

    /** How many connections of the queue client are blocked in a command ({@code flags} with {@code b}). */
    static int blocked(UnifiedJedis inspector, RedisCommandQueue queue) {
        String name = queue.clientName();
        int found = 0;
        for (String line : lists(inspector)) {
            for (String l : line.split("\n")) {
                if (l.contains(" name=" + name + " ") && l.matches(".* flags=[A-Za-z]*b[A-Za-z]* .*")) {
                    found++;
                }
            }
        }
        return found;
    }

    private static java.util.List<String> lists(UnifiedJedis inspector) {
        java.util.List<String> lists = new java.util.ArrayList<>();
        if (inspector instanceof RedisClusterClient cluster) {
            for (ConnectionPool pool : cluster.getClusterNodes().values()) {
                try (Connection c = pool.getResource()) {
                    lists.add(list(c));
                }
            }
        } else {
            try (Connection c = ((RedisClient) inspector).getPool().getResource()) {
                lists.add(list(c));
            }
        }
        return lists;
    }

    private static String list(Connection c) {
        return new String((byte[]) c.executeCommand(new CommandArguments(Protocol.Command.CLIENT).add("LIST")),
                StandardCharsets.UTF_8);
    }

    private static int kill(Connection c, String name) {
        int killed = 0;
        for (String id : ids(c, name)) {
            Object n = c.executeCommand(new CommandArguments(Protocol.Command.CLIENT).add("KILL").add("ID").add(id));
            killed += ((Long) n).intValue();
        }
        return killed;
    }

    private static String[] ids(Connection c, String name) {
        Matcher m = LINE.matcher(list(c));
        java.util.List<String> ids = new java.util.ArrayList<>();
        while (m.find()) {
            if (m.group(2).equals(name)) {
                ids.add(m.group(1));
            }
        }
        return ids.toArray(String[]::new);
    }
}
