import { expect, it } from 'vitest';
import { describeDatabaseUrl } from '../src/banner.ts';

it('names the database without leaking the password', () => {
  expect(describeDatabaseUrl('postgres://shop:hunter2@db:5432/shop')).toBe(
    'PostgreSQL postgresql://shop:***@db:5432/shop',
  );
  expect(describeDatabaseUrl('sqlite:///:memory:')).toBe('SQLite :memory:');
});
