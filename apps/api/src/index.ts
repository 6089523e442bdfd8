export { describeDatabase } from './banner.ts';
