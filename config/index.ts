export * from './schema';
export * from './load';
export * from './names';
export * from './versions';
export * from './cron';
export * from './capacity';
export * from './kubernetes-support';
