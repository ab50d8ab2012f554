package io.modularddd.integration;

import io.modularddd.core.queue.CommandQueue;
import io.modularddd.core.queue.DeadLetter;
import io.modularddd.core.queue.Delivery;
import io.modularddd.core.queue.QueuedCommand;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * A queue client that passes every call on and notes each command id it acknowledged successfully, counting a
 * latch down at an id's first acknowledgement: a test waits on it instead of sleeping.
 */
final class NotingQueue implements CommandQueue {

    private final CommandQueue client;
    private final Set<String> acknowledged;
    private final CountDownLatch firstAcknowledgements;

    NotingQueue(CommandQueue client, Set<String> acknowledged, CountDownLatch firstAcknowledgements) {
        this.client = client;
        this.acknowledged = acknowledged;
        this.firstAcknowledgements = firstAcknowledgements;
    }

    @Override
    public boolean send(String queue, QueuedCommand command) {
        return client.send(queue, command);
    }

    @Override
    public List<Delivery> poll(String queue, String consumer, int maxCommands, Duration maxWait) {
        return client.poll(queue, consumer, maxCommands, maxWait);
    }

    @Override
    public void acknowledge(Delivery delivery) {
        client.acknowledge(delivery);
        if (acknowledged.add(delivery.command().commandId())) {
            firstAcknowledgements.countDown();
        }
    }

    @Override
    public void fail(Delivery delivery, String error) {
        client.fail(delivery, error);
    }

    @Override
    public List<DeadLetter> deadLetters(String queue, int max) {
        return client.deadLetters(queue, max);
    }

    @Override
    public long depth(String queue) {
        return client.depth(queue);
    }

    @Override
    public Duration leaseTime() {
        return client.leaseTime();
    }

    @Override
    public int maxAttempts() {
        return client.maxAttempts();
    }

    @Override
    public Duration idRetention() {
        return client.idRetention();
    }

    @Override
    public int maxPayloadBytes() {
        return client.maxPayloadBytes();
    }

    @Override
    public void close() {
        client.close();
    }
}
