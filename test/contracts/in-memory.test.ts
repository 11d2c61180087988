import { InMemoryOrderRepository } from '../../src/infrastructure/in-memory/in-memory-order-repository.ts';
import { InMemoryPaymentRepository } from '../../src/infrastructure/in-memory/in-memory-payment-repository.ts';
import { InMemoryStore } from '../../src/infrastructure/in-memory/in-memory-store.ts';
import type { PersistenceHarness } from '../support/persistence-harness.ts';
import { describeOrderRepositoryContract } from './order-repository.contract.ts';
import { describePaymentRepositoryContract } from './payment-repository.contract.ts';

const inMemory: PersistenceHarness = {
  name: 'in-memory',
  async create() {
    const store = new InMemoryStore();
    return { orders: new InMemoryOrderRepository(store), payments: new InMemoryPaymentRepository(store) };
  },
  async close() {},
};

describeOrderRepositoryContract(inMemory);
describePaymentRepositoryContract(inMemory);
