package io.modularddd.examples.docs.eventstore;

/** The order events of the event-store page's samples (docs/event-store.md). */
public final class Order {

    private Order() {
    }

    /**
     * An order was placed.
     *
     * @param customer who placed it
     */
    public record OrderPlaced(String customer) {
    }

    /**
     * A line was added to an order.
     *
     * @param sku      the product
     * @param quantity how many
     */
    public record LinePlaced(String sku, int quantity) {
    }

    /**
     * Money was paid into an account (the aggregate sample's event).
     *
     * @param amount the amount, in cents
     */
    public record MoneyDeposited(long amount) {
    }
}
