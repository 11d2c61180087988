import type { PaymentEvent, PaymentEventLog } from '../../application/ports/payment-events.ts';

export class InMemoryPaymentEventLog implements PaymentEventLog {
  private readonly events: PaymentEvent[] = [];

  async append(event: PaymentEvent): Promise<void> {
    this.events.push({ ...event });
  }

  async listFor(orderId: string, limit: number): Promise<PaymentEvent[]> {
    return this.events
      .filter((event) => event.orderId === orderId)
      .sort((a, b) => a.at.getTime() - b.at.getTime())
      .slice(-limit);
  }
}
