// Input building blocks shared by the routers; limits mirror the column definitions in @shop/db.
import { MAX_PER_PAGE } from '@shop/db';
import { z } from 'zod';

export const id = z.int().positive();
export const idInput = z.object({ id });

export const username = z.string().trim().min(1).max(80);
export const email = z.email().max(120);
export const password = z.string().min(8).max(256);

/** Money in: a decimal string (never a float) with at most 2 places, exactly as written (no trimming). */
const decimal = (digits: number) =>
  z
    .string()
    .regex(
      new RegExp(`^\\d{1,${digits}}(\\.\\d{1,2})?$`),
      `a decimal string with at most ${digits} digits before the point and 2 after`,
    );
export const price = decimal(8); // NUMERIC(10,2)
export const amount = decimal(10).refine((value) => Number(value) > 0, 'must be greater than 0'); // NUMERIC(12,2)
export const openingBalance = decimal(10);

export const pageInput = z.object({
  page: z.int().min(1).max(100_000).default(1),
  perPage: z.int().min(1).max(MAX_PER_PAGE).default(20),
});

/** Bulk operations are bounded so one request cannot monopolise the database. */
export const MAX_BATCH = 100;
