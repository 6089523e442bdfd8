export * from './database-url.ts';
