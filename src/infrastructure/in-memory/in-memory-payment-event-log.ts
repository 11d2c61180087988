import type { PaymentEvent, PaymentEventLog } from '../../application/ports/payment-events.ts';

export class InMemoryPaymentEventLog implements PaymentEventLog {
  private readonly events: PaymentEvent[] = [];

  async append(event: PaymentEvent): Promise<void> {
    // Cut as the table's column cuts it.
    this.events.push({ ...event, summary: event.summary.slice(0, 300) });
  }

  async listFor(orderId: string, limit: number): Promise<PaymentEvent[]> {
    return this.events
      .filter((event) => event.orderId === orderId)
      .sort((a, b) => a.at.getTime() - b.at.getTime())
      .slice(-limit);
  }
}
