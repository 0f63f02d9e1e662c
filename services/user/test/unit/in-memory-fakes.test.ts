import { userStoreContract } from '../contract/user-store.contract.ts';
import { createInMemoryUserStore } from '../fakes/in-memory-user-store.ts';

userStoreContract('in memory', async () => createInMemoryUserStore());
