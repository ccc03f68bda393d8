export * from './schema';
export * from './load';
export * from './names';
export * from './versions';
export * from './kubernetes-support';
