import type { PaymentEvent, PaymentEventLog } from '../../application/ports/payment-events.ts';

export class InMemoryPaymentEventLog implements PaymentEventLog {
  private events: PaymentEvent[] = [];

  async append(event: PaymentEvent): Promise<void> {
    // Cut as the table's column cuts it.
    this.events.push({ ...event, summary: event.summary.slice(0, 300) });
  }

  async prune(before: Date, limit: number): Promise<number> {
    const old = this.events
      .filter((event) => event.at < before)
      .sort((a, b) => a.at.getTime() - b.at.getTime())
      .slice(0, limit);
    this.events = this.events.filter((event) => !old.includes(event));
    return old.length;
  }

  async listFor(orderId: string, limit: number): Promise<PaymentEvent[]> {
    return this.events
      .filter((event) => event.orderId === orderId)
      .sort((a, b) => a.at.getTime() - b.at.getTime())
      .slice(-limit);
  }
}
