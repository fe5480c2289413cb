export * from './controller';
export * from './elevator-model';
export * from './fleet';
export * from './provision';
export * from './traffic';
