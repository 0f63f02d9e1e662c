import { notificationStoreContract, userDirectoryContract } from '../contract/notification-store.contract.ts';
import { createInMemoryNotificationStore, createInMemoryUserDirectory } from '../fakes/in-memory-notification-store.ts';

notificationStoreContract('in memory', async () => createInMemoryNotificationStore());
userDirectoryContract('in memory', async () => createInMemoryUserDirectory());
